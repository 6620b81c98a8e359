// What the session needs of a transport: a byte pipe in the ECMA-419 shape (options with onReadable,
// onWritable and onError; read, write, close), with the write budget kept here rather than by every
// caller. The SDK's sockets take a write only within the space their last onWritable reported and
// throw "would block" otherwise (reference/moddable-sdk.md §2.1), so a pipe counts that space down as
// it writes. TCP is tcp-pipe.ts; a TLS pipe is a sibling file with this same shape.

export interface PipeOptions {
	/** An IPv4 literal: the network layer (network/resolver.ts) resolved any name first. */
	address: string;
	port: number;
	/** There is space for `count` bytes: the budget write() spends. Called with `this` the pipe. */
	onWritable(this: Pipe, count: number): void;
	/** `count` bytes can be read. */
	onReadable(this: Pipe, count: number): void;
	/** The connection failed or the peer closed it; nothing more will come. The pipe is not closed for you. */
	onError(this: Pipe): void;
}

export interface Pipe {
	/** Bytes write() takes now: the last onWritable's count, less what was written since. */
	readonly writable: number;
	/** Writes all of `bytes`, which must fit in `writable`; the pipe does not keep them after it returns. */
	write(bytes: ArrayBuffer | Uint8Array): void;
	/** What was received and not yet read, or undefined when nothing is. */
	read(): ArrayBuffer | undefined;
	/** Closes the pipe; nothing is called back after this. */
	close(): void;
}

/** Opens a pipe: how the session gets one without knowing which transport it is. */
export type OpenPipe = (options: PipeOptions) => Pipe;

/**
 * Writes as much of bytes[offset..] as `pipe` takes now and returns how much that was. Whole buffers go
 * as they are; a piece goes as a view, so the bytes (a camera frame) are never copied.
 */
export function writeSome(pipe: Pipe, bytes: ArrayBuffer | Uint8Array, offset: number): number {
	const count = Math.min(pipe.writable, bytes.byteLength - offset);
	pipe.write(offset === 0 && count === bytes.byteLength ? bytes :
		bytes instanceof Uint8Array ? bytes.subarray(offset, offset + count) : new Uint8Array(bytes, offset, count));
	return count;
}
