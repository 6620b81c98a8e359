// What the session needs of a transport: a byte pipe in the ECMA-419 shape (options with onReadable,
// onWritable and onError; read, write, close), with the write budget kept here rather than by every
// caller. The SDK's sockets take a write only within the space their last onWritable reported and
// throw "would block" otherwise (reference/moddable-sdk.md §2.1), so a pipe counts that space down as
// it writes. TCP is tcp-pipe.ts, TLS tls-pipe.ts.

export interface PipeOptions {
	/** An IPv4 literal: the network layer (network/resolver.ts) resolved any name first. */
	address: string;
	port: number;
	/** The name `address` was resolved from (or the same literal): the one a TLS certificate must give. */
	host: string;
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
 * A pipe over a stream socket: the socket's onWritable reports its total free space and comes again
 * only after the peer ACKs (reference/moddable-sdk.md §2.1), so the pipe keeps that count and spends it
 * on each write. tcp-pipe.ts makes one over TCP; tls-pipe.ts makes a RecordPipe over the TLS socket.
 */
export class StreamPipe implements Pipe {
	/** A field, not a getter: the frame path reads it before every write. */
	writable = 0;
	readonly #socket: StreamSocket;

	/** `open` makes the socket with these callbacks; whatever it throws (no route: "connect error"), this throws. */
	constructor(open: (callbacks: StreamCallbacks) => StreamSocket, options: PipeOptions) {
		const pipe = this;
		const { onWritable } = options;
		this.#socket = open({
			onWritable(count) {
				pipe.writable = count;
				onWritable(count);
			},
			onReadable: options.onReadable,
			onError: options.onError,
		});
	}

	write(bytes: ArrayBuffer | Uint8Array): void {
		this.#socket.write(bytes);
		this.writable -= bytes.byteLength;
	}

	writeSome(bytes: ArrayBuffer | Uint8Array, offset: number): number {
		const count = Math.min(this.writable, bytes.byteLength - offset);
		this.#socket.write(offset === 0 && count === bytes.byteLength ? bytes :
			bytes instanceof Uint8Array ? bytes.subarray(offset, offset + count) : new Uint8Array(bytes, offset, count));
		this.writable -= count;
		return count;
	}

	read(): ArrayBuffer | undefined {
		const data = this.#socket.read();
		return typeof data === "object" ? data : undefined; // the SDK's typings say number | ArrayBuffer
	}

	close(): void {
		this.#socket.close();
	}
}

/**
 * How a socket frames what it is given: each write becomes one record of at most `size` bytes, costing
 * `overhead` bytes more of the space onWritable reported.
 */
export interface Records {
	readonly size: number;
	readonly overhead: number;
}

/**
 * A stream pipe over a socket that writes records (TLS): `writable` is net of the next record's
 * overhead, and a piece of a frame is at most one record. A subclass, so that TCP's frame path pays
 * nothing for it.
 */
export class RecordPipe extends StreamPipe {
	readonly #size: number;
	readonly #overhead: number;

	constructor(open: (callbacks: StreamCallbacks) => StreamSocket, options: PipeOptions, records: Records) {
		const { overhead } = records;
		super((callbacks) => open({
			...callbacks,
			onWritable(count) {
				callbacks.onWritable(count > overhead ? count - overhead : 0);
			},
		}), options);
		this.#size = records.size;
		this.#overhead = overhead;
	}

	override write(bytes: ArrayBuffer | Uint8Array): void {
		super.write(bytes);
		this.#charge(this.writable);
	}

	override writeSome(bytes: ArrayBuffer | Uint8Array, offset: number): number {
		const budget = this.writable;
		if (budget > this.#size) this.writable = this.#size;
		const count = super.writeSome(bytes, offset);
		this.#charge(budget - count);
		return count;
	}

	/** What is left once the next record's overhead is set aside. */
	#charge(left: number): void {
		this.writable = left > this.#overhead ? left - this.#overhead : 0;
	}
}
