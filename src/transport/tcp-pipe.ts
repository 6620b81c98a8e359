// The SDK's TCP socket (embedded:io/socket/tcp) as a pipe (pipe.ts). onWritable reports the total free
// space of lwIP's send buffer, and comes again only after the peer ACKs (reference/moddable-sdk.md
// §2.1), so the pipe keeps that count and spends it on each write. Nagle is off: pongs and control
// results are tiny and must not wait for the next frame.

import type TCP from "embedded:io/socket/tcp";
import type { Pipe, PipeOptions } from "./pipe";

export class TcpPipe implements Pipe {
	readonly #socket: TCP;
	#writable = 0;

	/** Connects at once; throws what the SDK throws when it cannot even try (no route: "connect error"). */
	constructor(Socket: typeof TCP, options: PipeOptions) {
		const pipe = this;
		this.#socket = new Socket({
			address: options.address, port: options.port, nodelay: true,
			onWritable(count) {
				pipe.#writable = count;
				options.onWritable.call(pipe, count);
			},
			onReadable(count) {
				options.onReadable.call(pipe, count);
			},
			onError() {
				options.onError.call(pipe);
			},
		});
	}

	get writable(): number {
		return this.#writable;
	}

	write(bytes: ArrayBuffer | Uint8Array): void {
		this.#socket.write(bytes);
		this.#writable -= bytes.byteLength;
	}

	read(): ArrayBuffer | undefined {
		const data = this.#socket.read();
		return typeof data === "object" ? data : undefined; // the SDK's typings say number | ArrayBuffer
	}

	close(): void {
		this.#socket.close();
	}
}
