// The SDK's TLS socket (embedded:io/socket/tcp/tls: TLS 1.2 in JavaScript over its TCP socket) as a
// pipe (pipe.ts), verifying the receiver's certificate against one CA built into the firmware.
//
// Two things of that socket shape this file (docs/hardware.md, "The SDK's TLS socket"):
// - A write becomes one record of at most 2^14 bytes ("too large" past it) that costs up to 69 bytes
//   more on the TCP socket below (5 of header, 16 of CBC IV, 32 of SHA-256 MAC, 16 of padding, for the
//   costliest suite it offers), and a record that does not fit there throws "would block". The pipe
//   charges every write that much (RecordPipe).
// - A handshake that fails (an unknown CA, a name that does not match, a certificate out of date)
//   throws inside the TCP socket's callback, where nothing catches it: on a device that aborts the app
//   and restarts the chip. So the TLS socket is given a TCP that runs its callbacks inside a try, and a
//   failure ends the connection like any other, with its reason, and the session tries again later.

import type TCP from "embedded:io/socket/tcp";
import type TLSSocket from "embedded:io/socket/tcp/tls";
import { RecordPipe, type PipeOptions, type Records, type StreamSocket } from "./pipe";

export const TLS_RECORDS: Records = { size: 16384, overhead: 5 + 16 + 32 + 16 };

export interface TlsTrust {
	/** The CA certificate (DER) the receiver's certificate must chain to; it must give the name the camera dialled (`options.host`). */
	ca: ArrayBuffer;
}

type Callback = (count?: number) => void;

/** Throws what the SDK throws when it cannot even try (no route: "connect error"). */
export function openTlsPipe(TLS: typeof TLSSocket, Socket: typeof TCP, trust: TlsTrust, options: PipeOptions): RecordPipe {
	let failed = false;
	let phase: "connecting" | "handshaking" | "secured" = "connecting";
	const fail = (error: unknown) => {
		if (failed) return;
		failed = true;
		options.onError("TLS: " + (error as Error).message);
	};
	const guard = (callback: Callback | undefined) => callback && ((count?: number) => {
		if (failed) return;
		try {
			callback(count);
		}
		catch (error) {
			fail(error);
		}
	});
	// What the TLS socket makes its TCP with (options.TCP.io): the SDK's TCP, its callbacks guarded. The
	// TLS socket keeps its own readable and writable counts on this object, as it does on the SDK's TCP.
	class GuardedTCP {
		readonly #tcp: TCP;
		readable = 0;
		writable = 0;

		constructor(tcpOptions: ConstructorParameters<typeof TCP>[0]) {
			this.#tcp = new Socket({
				...tcpOptions,
				onReadable: guard(tcpOptions.onReadable as Callback),
				onWritable: guard((count) => {
					if (phase === "connecting") phase = "handshaking"; // TCP is up: the TLS socket starts its handshake here
					(tcpOptions.onWritable as Callback)(count);
				}),
				onError: guard(tcpOptions.onError as Callback),
			});
		}

		/** The TLS session reads into views of its packet buffer only (modules/crypt/ssl/session_419.js). */
		read(into: Uint8Array) {
			return this.#tcp.read(into);
		}

		/** The space left (the SDK's typings say void; lwip/tcp.c returns it, and the TLS socket reads it). */
		write(bytes: ArrayBuffer | Uint8Array): unknown {
			return this.#tcp.write(bytes);
		}

		close(): void {
			this.#tcp.close();
		}
	}
	return new RecordPipe((callbacks) => {
		// Not a literal in the call: the SDK's typings of the TLS socket leave out its TCP option.
		const tlsOptions = {
			address: options.address, port: options.port, nodelay: true, host: options.host,
			TCP: { io: GuardedTCP }, secure: { certificate: trust.ca, verify: true },
			...callbacks,
			onWritable(count: number) {
				phase = "secured"; // the TLS socket calls it only once its handshake is done
				callbacks.onWritable(count);
			},
			onError() {
				if (failed) return; // the guard reported it already
				failed = true;
				if (phase === "handshaking") options.onError("TLS: the receiver closed the connection during the handshake (is it serving TLS?)");
				else callbacks.onError(); // the session says "cannot connect" or "connection lost"
			},
		};
		// The SDK's typings make read()'s count required; tlssocket.js reads all there is without one.
		return new TLS(tlsOptions) as unknown as StreamSocket;
	}, options, TLS_RECORDS);
}
