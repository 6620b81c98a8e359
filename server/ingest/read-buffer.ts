// The one buffer every plain-TCP camera connection reads into. A net.Socket's 'data' events hand over a
// new chunk per read, which a frame then has to be copied out of anyway; with `onread` the kernel's
// bytes land in memory the receiver owns and reuses, so a frame is copied once, from here into the
// buffer its viewers and the recorder share (the decoder's ownFrames). One buffer serves every
// connection: Node fills it and calls back synchronously, read by read, and the decoder keeps no view
// of it past push() (it copies partial headers and bodies, and owned frames, before it returns).
//
// Node takes `onread` only in the Socket constructor, and a server builds its accepted sockets itself,
// so the accepted socket's handle is moved into a Socket made with the option (Node's own
// `new Socket({ handle })`, as its server does); the socket it leaves behind holds nothing and is
// destroyed at once, which also takes it off the server's connection count.

import { Socket } from "node:net";

/** Bytes per read: a VGA frame of ~42 KB and its neighbours in one read when the kernel holds them. */
export const READ_BUFFER_BYTES = 256 * 1024;

/** What a socket that reads into the shared buffer hands each read to. Owns nothing: `bytes` is valid during the call only. */
export type OnRead = (bytes: Uint8Array) => void;

interface AcceptedSocket {
	_handle: unknown; // Node's TCP handle, private; documented nowhere, used by net's own server
}

export class ReadBuffer {
	readonly #buffer: Buffer;
	readonly #bytes: Uint8Array; // a plain view: a message's byte fields sliced from it are copies, not Buffer views

	constructor(byteLength = READ_BUFFER_BYTES) {
		this.#buffer = Buffer.allocUnsafeSlow(byteLength);
		this.#bytes = new Uint8Array(this.#buffer.buffer, this.#buffer.byteOffset, byteLength);
	}

	/**
	 * `accepted` (a connection of a net.Server made with `pauseOnConnect`, nothing read yet) as a socket
	 * whose reads go to `onRead`, in this buffer; `accepted` is destroyed. The returned socket emits
	 * 'error', 'end' and 'close' as usual, but no 'data'.
	 */
	adopt(accepted: Socket, onRead: OnRead): Socket {
		const handle = (accepted as unknown as AcceptedSocket)._handle;
		(accepted as unknown as AcceptedSocket)._handle = null;
		accepted.destroy();
		const bytes = this.#bytes;
		return new Socket({
			handle, readable: true, writable: true,
			onread: { buffer: this.#buffer, callback: (length: number) => void onRead(bytes.subarray(0, length)) },
		} as ConstructorParameters<typeof Socket>[0]);
	}
}
