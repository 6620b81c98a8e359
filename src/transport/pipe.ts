// What the session needs of a transport: a byte pipe in the ECMA-419 shape (options with onReadable,
// onWritable and onError; read, write, close), with the write budget kept here rather than by every
// caller. The SDK's sockets take a write only within the space their last onWritable reported and
// throw "would block" otherwise (reference/moddable-sdk.md §2.1), so a pipe counts that space down as
// it writes. TCP is tcp-pipe.ts, TLS tls-pipe.ts.

export interface PipeOptions {
	/** An IPv4 literal: the network layer (network/resolver.ts) resolved any name first. */
	address: string;
	port: number;
	/**
	 * There is space for `count` bytes: the budget write() spends. The callbacks are plain functions (no
	 * `this`, unlike the SDK's): one pipe per set of them, so each knows its pipe.
	 */
	onWritable(count: number): void;
	/** `count` bytes can be read. */
	onReadable(count: number): void;
	/**
	 * The connection failed or the peer closed it; nothing more will come. The pipe is not closed for
	 * you. `reason` when the transport knows more than that (a TLS handshake that failed, and why).
	 */
	onError(reason?: string): void;
}

export interface Pipe {
	/** Bytes write() takes now: the last onWritable's count, less what was written since. Read it, never set it. */
	readonly writable: number;
	/** Writes all of `bytes`, which must fit in `writable`; the pipe does not keep them after it returns. */
	write(bytes: ArrayBuffer | Uint8Array): void;
	/**
	 * Writes as much of bytes[offset..] as the pipe takes now; returns how much that was. Whole buffers go
	 * as they are; a piece goes as a view, so the bytes (a camera frame) are never copied.
	 */
	writeSome(bytes: ArrayBuffer | Uint8Array, offset: number): number;
	/** What was received and not yet read, or undefined when nothing is. */
	read(): ArrayBuffer | undefined;
	/** Closes the pipe; nothing is called back after this. */
	close(): void;
}

/** Opens a pipe: how the session gets one without knowing which transport it is. */
export type OpenPipe = (options: PipeOptions) => Pipe;

/** What a pipe needs of an ECMA-419 stream socket (the SDK's TCP, and its TLS socket, which has TCP's shape). */
export interface StreamSocket {
	write(bytes: ArrayBuffer | Uint8Array): unknown;
	read(): ArrayBuffer | number | undefined;
	close(): void;
}

/** The callbacks a stream socket is made with. */
export interface StreamCallbacks {
	onWritable(count: number): void;
	onReadable(count: number): void;
	onError(): void;
}

/**
 * How a socket frames what it is given: each write becomes records of at most `size` bytes, each
 * costing `overhead` bytes more of the space onWritable reported. TCP has none (NO_RECORDS).
 */
export interface Records {
	readonly size: number;
	readonly overhead: number;
}

export const NO_RECORDS: Records = { size: Infinity, overhead: 0 };

/**
 * A pipe over a stream socket: the socket's onWritable reports its total free space and comes again
 * only after the peer ACKs (reference/moddable-sdk.md §2.1), so the pipe keeps that count and spends it
 * on each write, with what the socket's records add. tcp-pipe.ts makes one over TCP, tls-pipe.ts over TLS.
 */
export class StreamPipe implements Pipe {
	/** A field, not a getter: the frame path reads it before every write. Net of one record's overhead. */
	writable = 0;
	readonly #socket: StreamSocket;
	readonly #size: number;
	readonly #overhead: number;

	/** `open` makes the socket with these callbacks; whatever it throws (no route: "connect error"), this throws. */
	constructor(open: (callbacks: StreamCallbacks) => StreamSocket, options: PipeOptions, records: Records = NO_RECORDS) {
		const pipe = this;
		const { onWritable } = options;
		const overhead = this.#overhead = records.overhead;
		this.#size = records.size;
		this.#socket = open({
			onWritable(count) {
				pipe.writable = count > overhead ? count - overhead : 0;
				onWritable(count);
			},
			onReadable: options.onReadable,
			onError: options.onError,
		});
	}

	write(bytes: ArrayBuffer | Uint8Array): void {
		this.#socket.write(bytes);
		this.#spent(bytes.byteLength);
	}

	writeSome(bytes: ArrayBuffer | Uint8Array, offset: number): number {
		const count = Math.min(this.writable, bytes.byteLength - offset, this.#size);
		this.#socket.write(offset === 0 && count === bytes.byteLength ? bytes :
			bytes instanceof Uint8Array ? bytes.subarray(offset, offset + count) : new Uint8Array(bytes, offset, count));
		this.#spent(count);
		return count;
	}

	/** The next write's record costs its overhead too: what is left for its bytes. */
	#spent(count: number): void {
		const left = this.writable - count - this.#overhead;
		this.writable = left > 0 ? left : 0;
	}

	read(): ArrayBuffer | undefined {
		const data = this.#socket.read();
		return typeof data === "object" ? data : undefined; // the SDK's typings say number | ArrayBuffer
	}

	close(): void {
		this.#socket.close();
	}
}
