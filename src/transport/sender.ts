// Everything the device writes on one connection, within the space onWritable reports. The SDK's TCP
// throws "would block" for a write larger than the free space and calls onWritable again only after the
// receiver ACKs (reference/moddable-sdk.md §2.1), so this keeps its own count and writes pieces.
//
// Frames: one in flight, at most one waiting. A newer frame replaces the waiting one (which is closed and
// counted as dropped): latest wins, so a slow link shows fresh frames at a lower rate rather than old ones.
// The JPEG is never copied in JS: its 24-byte header and then the camera's own buffer go to the socket.
// Small messages (hello, pong, control results, stats) go between frames, never inside one.

import type { DisposableFrame } from "embedded:io/image/in/camera";
import type TCP from "embedded:io/socket/tcp";
import { FRAME_FIELDS_BYTES, FRAME_HEADER_BYTES } from "../protocol/constants";
import { FrameHeaderEncoder } from "../protocol/encoder";

/** Control results may queue up to this many; a server that asks faster than the link drains is broken. */
const MAX_RESULTS = 8;

export class Sender {
	readonly #encoder = new FrameHeaderEncoder();
	readonly #width: number;
	readonly #height: number;
	readonly #onFailure: () => void;
	#socket: TCP | undefined;
	#writable = 0;

	// frames
	#streaming = false;
	#clockOffset = 0;
	#maxBodyBytes = 0;
	#seq = 0;
	#frame: DisposableFrame | undefined; // in flight
	#header: Uint8Array | undefined;
	#headerOffset = 0;
	#frameOffset = 0;
	#waiting: DisposableFrame | undefined;
	#waitingTime = 0;

	// small messages, in this order of priority
	#hello: Uint8Array | undefined;
	#pong: Uint8Array | undefined;
	readonly #results: Uint8Array[] = [];
	#stats: Uint8Array | undefined;
	#message: Uint8Array | undefined; // in flight
	#messageOffset = 0;

	/** Frames written whole. */
	sent = 0;
	/** Frames closed unsent: replaced while waiting, offered while not streaming, or too large. */
	dropped = 0;

	/** `onFailure` is called when a write throws (the socket failed between two events). */
	constructor(width: number, height: number, onFailure: () => void) {
		this.#width = width;
		this.#height = height;
		this.#onFailure = onFailure;
	}

	/** A new connection: writes go to `socket` once it reports space; `hello` goes first. */
	attach(socket: TCP, hello: Uint8Array): void {
		this.detach();
		this.#socket = socket;
		this.#hello = hello;
	}

	/** The connection is gone: every frame held is closed, every message forgotten. */
	detach(): void {
		this.#socket = undefined;
		this.#writable = 0;
		this.#streaming = false;
		this.#seq = 0;
		if (this.#frame) this.#frame.close();
		if (this.#waiting) this.#waiting.close();
		this.#frame = this.#waiting = this.#header = undefined;
		this.#hello = this.#pong = this.#stats = this.#message = undefined;
		this.#results.length = 0;
	}

	/**
	 * The server welcomed us: frames may flow. `clockOffset` turns the device clock into the server's;
	 * frames whose body would exceed `maxBodyBytes` are dropped rather than sent to be refused.
	 */
	startFrames(clockOffset: number, maxBodyBytes: number): void {
		this.#streaming = true;
		this.#clockOffset = clockOffset;
		this.#maxBodyBytes = maxBodyBytes;
	}

	/** Takes ownership of `frame`, captured at `time` on the device clock; it is closed exactly once. */
	offer(frame: DisposableFrame, time: number): void {
		if (!this.#streaming) {
			frame.close();
			this.dropped++;
			return;
		}
		if (this.#waiting) {
			this.#waiting.close();
			this.dropped++;
		}
		this.#waiting = frame;
		this.#waitingTime = time;
		this.#pump();
	}

	pong(bytes: Uint8Array): void {
		this.#pong = bytes; // one answer is enough: the server only wants to hear from us
		this.#pump();
	}

	/** Returns false when too many results wait: the caller should drop the connection. */
	result(bytes: Uint8Array): boolean {
		if (this.#results.length >= MAX_RESULTS) return false;
		this.#results.push(bytes);
		this.#pump();
		return true;
	}

	stats(bytes: Uint8Array): void {
		this.#stats = bytes; // only the newest stats are worth sending
		this.#pump();
	}

	/** onWritable: `count` is the total free space of the send buffer. */
	writable(count: number): void {
		this.#writable = count;
		this.#pump();
	}

	#pump(): void {
		try {
			while (this.#writable > 0 && this.#socket) {
				if (this.#frame) this.#writeFrame();
				else if (this.#message || this.#nextMessage()) this.#writeMessage();
				else if (this.#waiting && this.#streaming) this.#startFrame();
				else break;
			}
		}
		catch {
			this.#onFailure(); // the caller detaches, which closes the frames
		}
	}

	#nextMessage(): Uint8Array | undefined {
		let message: Uint8Array | undefined;
		if (this.#hello) {
			message = this.#hello;
			this.#hello = undefined;
		}
		else if (this.#streaming && this.#pong) {
			message = this.#pong;
			this.#pong = undefined;
		}
		else if (this.#streaming && this.#results.length) message = this.#results.shift();
		else if (this.#streaming && this.#stats) {
			message = this.#stats;
			this.#stats = undefined;
		}
		this.#message = message;
		this.#messageOffset = 0;
		return message;
	}

	#writeMessage(): void {
		const message = this.#message!;
		this.#messageOffset += this.#write(message, this.#messageOffset);
		if (this.#messageOffset === message.byteLength) this.#message = undefined;
	}

	#startFrame(): void {
		const frame = this.#waiting!;
		this.#waiting = undefined;
		if (FRAME_FIELDS_BYTES + frame.byteLength > this.#maxBodyBytes) {
			frame.close();
			this.dropped++;
			return;
		}
		this.#header = this.#encoder.encode(this.#seq, this.#waitingTime + this.#clockOffset, this.#width, this.#height, frame.byteLength);
		this.#seq = (this.#seq + 1) >>> 0;
		this.#headerOffset = 0;
		this.#frameOffset = 0;
		this.#frame = frame;
	}

	#writeFrame(): void {
		if (this.#headerOffset < FRAME_HEADER_BYTES) {
			this.#headerOffset += this.#write(this.#header!, this.#headerOffset);
			return;
		}
		const frame = this.#frame!;
		this.#frameOffset += this.#write(frame, this.#frameOffset);
		if (this.#frameOffset === frame.byteLength) {
			this.#frame = undefined;
			this.sent++;
			frame.close();
		}
	}

	/** Writes as much of bytes[offset..] as fits; returns the count. Whole buffers go as they are (no view). */
	#write(bytes: ArrayBuffer | Uint8Array, offset: number): number {
		const count = Math.min(this.#writable, bytes.byteLength - offset);
		const piece = offset === 0 && count === bytes.byteLength ? bytes :
			bytes instanceof Uint8Array ? bytes.subarray(offset, offset + count) : new Uint8Array(bytes, offset, count);
		this.#socket!.write(piece);
		this.#writable -= count;
		return count;
	}
}
