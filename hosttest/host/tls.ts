// embedded:io/socket/tcp/tls as the SDK's (examples/io/tcp/tlssocket/tlssocket.js over
// modules/crypt/ssl/session_419.js; docs/hardware.md, "The SDK's TLS socket"), with the board's TLS engine
// doing the cryptography:
// - it makes its connection with `options.TCP.io` (the SDK's TCP, or what the caller gives), passing
//   every option through, and verifies the server against `options.secure.certificate` (one CA, DER)
//   and `options.host`;
// - onWritable comes only once the handshake is done, with the TCP socket's free space less 96;
//   write() takes at most 2^14 bytes ("too large"), makes one record of them, throws "would block"
//   when that record does not fit the TCP socket's free space, and returns that space less 32;
// - a failed handshake throws its reason out of the TCP socket's next callback, where the SDK's
//   session.handshake() throws it: nothing in the SDK catches it (on a device, the app aborts);
// - read() with no argument takes everything received; onError() when the connection ends.

import type DeviceTCP from "embedded:io/socket/tcp";
import type { Options } from "embedded:io/socket/tcp/tls";
import { board, type TlsEngine } from "./board";
import { callback } from "../../modules/sim/io-common";

/** session_419.js's maxFragmentSize. */
const MAX_RECORD = 16384;
/** What a TLS 1.2 AES-GCM record adds: 5 bytes of header, 8 of explicit nonce, 16 of tag (the suite both ends agree on). */
const RECORD_OVERHEAD = 5 + 8 + 16;
/** tlssocket.js: onWritable reports the TCP space less this "estimate of TLS overhead". */
const WRITABLE_MARGIN = 96;
/** session_419.js: write() returns the TCP space less this. */
const WRITE_MARGIN = 32;

type OnCount = (this: unknown, count: number) => void;
type OnError = (this: unknown) => void;
type TcpClass = new (options: object) => DeviceTCP;

export default class TLSSocket {
	readonly #tcp: DeviceTCP;
	readonly #engine: TlsEngine;
	readonly #onReadable: OnCount | undefined;
	readonly #onWritable: OnCount | undefined;
	readonly #onError: OnError | undefined;
	#secure = false;
	#failure: string | undefined;
	#closed = false;
	#tcpFree = 0; // the TCP socket's free space, as its last onWritable or write said
	#unsent: Uint8Array[] = []; // ciphertext the TCP socket had no room for yet
	#promised = 0; // bytes of records written but not yet handed to the TCP socket
	#received: Uint8Array[] = [];
	#receivedBytes = 0;

	constructor(options: Options & { TCP: { io: TcpClass } }) {
		this.#onReadable = callback<OnCount>(options, "onReadable");
		this.#onWritable = callback<OnCount>(options, "onWritable");
		this.#onError = callback<OnError>(options, "onError");
		const { certificate } = options.secure ?? {};
		if (!(certificate instanceof ArrayBuffer)) throw new Error("TLS: secure.certificate must be the CA, DER in an ArrayBuffer");
		const tlsClient = board().tlsClient;
		if (!tlsClient) throw new Error("TLS: this board has no TLS engine");
		this.#engine = tlsClient({ ca: new Uint8Array(certificate), host: options.host }, {
			onCiphertext: (bytes) => this.#send(bytes),
			onSecure: () => {
				this.#secure = true;
				this.#reportWritable();
			},
			onPlaintext: (bytes) => this.#arrived(bytes),
			onFailed: (reason) => void (this.#failure ??= reason),
		});
		const socket = this;
		this.#tcp = new options.TCP.io({
			...options,
			onReadable() {
				socket.#checkFailure();
				const data = socket.#tcp.read();
				if (data) socket.#engine.receive(new Uint8Array(data));
				socket.#checkFailure();
			},
			onWritable(count: number) {
				socket.#checkFailure();
				socket.#tcpFree = count;
				socket.#flush();
				socket.#reportWritable();
			},
			onError() {
				socket.#checkFailure();
				if (!socket.#closed) socket.#onError?.call(socket);
			},
		});
	}

	write(data: ArrayBufferLike | ArrayBufferView): number {
		if (this.#closed) throw new Error("closed");
		const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : undefined;
		if (!bytes) throw new TypeError("expected buffer");
		if (bytes.byteLength > MAX_RECORD) throw new Error("too large");
		const record = bytes.byteLength + RECORD_OVERHEAD;
		if (record > this.#room()) throw new Error("would block");
		this.#promised += record;
		this.#engine.send(bytes.slice());
		return Math.max(0, this.#room() - WRITE_MARGIN);
	}

	read(): ArrayBuffer | undefined {
		if (this.#receivedBytes === 0) return undefined;
		const all = new Uint8Array(this.#receivedBytes);
		let at = 0;
		for (const chunk of this.#received) {
			all.set(chunk, at);
			at += chunk.byteLength;
		}
		this.#received = [];
		this.#receivedBytes = 0;
		return all.buffer;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#engine.close();
		this.#tcp.close();
	}

	/** Where the SDK's session.handshake() would have thrown. */
	#checkFailure(): void {
		if (this.#failure !== undefined && !this.#closed) throw new Error(this.#failure);
	}

	#room(): number {
		let unsent = 0;
		for (const bytes of this.#unsent) unsent += bytes.byteLength;
		return this.#tcpFree - unsent - this.#promised;
	}

	#send(bytes: Uint8Array): void {
		if (this.#closed) return;
		this.#promised = Math.max(0, this.#promised - bytes.byteLength);
		this.#unsent.push(bytes);
		this.#flush();
	}

	#flush(): void {
		while (this.#unsent.length && this.#unsent[0].byteLength <= this.#tcpFree) {
			const bytes = this.#unsent.shift()!;
			const left = this.#tcp.write(bytes) as unknown;
			this.#tcpFree = typeof left === "number" ? left : 0; // undefined while an error waits to be delivered
		}
	}

	#reportWritable(): void {
		if (this.#secure && !this.#closed && this.#room() > WRITABLE_MARGIN) this.#onWritable?.call(this, this.#room() - WRITABLE_MARGIN);
	}

	#arrived(bytes: Uint8Array): void {
		if (this.#closed) return;
		this.#received.push(bytes);
		this.#receivedBytes += bytes.byteLength;
		board().defer(() => {
			if (!this.#closed && this.#receivedBytes) this.#onReadable?.call(this, this.#receivedBytes);
		});
	}
}
