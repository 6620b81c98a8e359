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
//
// One turn of the event loop reads every ready socket, each until the kernel has no more (libuv: up to
// 32 reads per socket, and up to 48 batches of 1,024 sockets), before any timer runs. Thousands of busy
// cameras kept the receiver's timers (pings, timeouts, HTTP) waiting for seconds (benchmark 8). So a
// turn's reads have a budget: once it is spent, each socket that reads again stops reading, and all of
// them start again from setImmediate, after the turn's reads and before the next turn's timers.

import { Socket } from "node:net";

/** Bytes per read: a VGA frame of ~42 KB and its neighbours in one read when the kernel holds them. */
export const READ_BUFFER_BYTES = 256 * 1024;

/** Bytes read in one turn of the event loop, over every connection, before the rest wait for the next turn: a few ms of work. */
export const TURN_READ_BUDGET_BYTES = 4 * 1024 * 1024;

/** What a socket that reads into the shared buffer hands each read to. Owns nothing: `bytes` is valid during the call only. */
export type OnRead = (bytes: Uint8Array) => void;

interface AcceptedSocket {
	_handle: unknown; // Node's TCP handle, private; documented nowhere, used by net's own server
}

export class ReadBuffer {
	readonly #buffer: Buffer;
	readonly #bytes: Uint8Array; // a plain view: a message's byte fields sliced from it are copies, not Buffer views
	readonly #turnBudget: number;
	#readThisTurn = 0;
	#stopped: Socket[] = []; // stopped reading for the rest of this turn

	constructor(byteLength = READ_BUFFER_BYTES, turnBudget = TURN_READ_BUDGET_BYTES) {
		this.#buffer = Buffer.allocUnsafeSlow(byteLength);
		this.#bytes = new Uint8Array(this.#buffer.buffer, this.#buffer.byteOffset, byteLength);
		this.#turnBudget = turnBudget;
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
		const socket: Socket = new Socket({
			handle, readable: true, writable: true,
			onread: {
				buffer: this.#buffer,
				callback: (length: number) => {
					onRead(bytes.subarray(0, length));
					return this.#withinBudget(socket, length); // false: Node stops reading the socket
				},
			},
		} as ConstructorParameters<typeof Socket>[0]);
		return socket;
	}

	#withinBudget(socket: Socket, length: number): boolean {
		if (this.#readThisTurn === 0) setImmediate(this.#nextTurn);
		this.#readThisTurn += length;
		if (this.#readThisTurn <= this.#turnBudget) return true;
		this.#stopped.push(socket);
		return false;
	}

	readonly #nextTurn = () => {
		this.#readThisTurn = 0;
		const stopped = this.#stopped;
		this.#stopped = [];
		for (const socket of stopped) socket.resume(); // a destroyed one has no handle left to start
	};
}
