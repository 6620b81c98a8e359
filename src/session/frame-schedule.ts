// The frames of one session: one in flight, at most one waiting. A newer frame replaces the waiting one
// (which is closed and counted as dropped): latest wins, so a slow link shows fresh frames at a lower
// rate rather than old ones. The JPEG is never copied in JS: its 24-byte header and then the camera's
// own buffer go to the pipe, in as many pieces as the pipe's budget asks for.
//
// Where the receiver offered datagrams (datagram-sender.ts), a frame goes at once instead, whole, as
// datagrams: nothing waits, and a frame that comes before the pace allows is dropped.
//
// Ownership: offer() takes a camera frame and closes it exactly once, on every path: when it has been
// written (or sent as datagrams) whole, when a newer frame replaces it, when it is too large for the
// receiver, when it is offered before the welcome or ahead of the pace, when the datagram socket
// refuses it, and when the connection goes (stop()).

import type { DisposableFrame } from "embedded:io/image/in/camera";
import { FRAME_FIELDS_BYTES, FRAME_HEADER_BYTES, HEADER_BYTES } from "../protocol/constants";
import { FrameHeaderEncoder } from "../protocol/encoder";
import type { Pipe } from "../transport/pipe";
import type { DatagramSender } from "./datagram-sender";

export class FrameSchedule {
	/** Frames written whole, since the device started. */
	sent = 0;
	/** Frames closed unsent: replaced while waiting, offered while not streaming, or too large. */
	dropped = 0;
	readonly #encoder = new FrameHeaderEncoder();
	readonly #width: number;
	readonly #height: number;
	#open = false;
	#clockOffset = 0;
	#maxBodyBytes = 0;
	#seq = 0;
	#frame: DisposableFrame | undefined; // in flight
	#header: Uint8Array | undefined;
	#headerOffset = 0;
	#frameOffset = 0;
	#waiting: DisposableFrame | undefined;
	#waitingTime = 0;
	#datagrams: DatagramSender | undefined;

	/** Frames are `width` x `height`, as the camera captures them. */
	constructor(width: number, height: number) {
		this.#width = width;
		this.#height = height;
	}

	/**
	 * The receiver welcomed the device: frames may flow, numbered from 0. `clockOffset` turns the device
	 * clock into the receiver's; a frame whose body would exceed `maxBodyBytes` is dropped, not sent to be refused.
	 */
	open(clockOffset: number, maxBodyBytes: number): void {
		this.#open = true;
		this.#clockOffset = clockOffset;
		this.#maxBodyBytes = maxBodyBytes;
		this.#seq = 0;
	}

	/** From now on (this connection), frames go as datagrams through `sender`, which close() closes. */
	sendAsDatagrams(sender: DatagramSender): void {
		this.#datagrams = sender;
	}

	/** The datagrams of this connection, if it sends its frames so. */
	get datagrams(): DatagramSender | undefined {
		return this.#datagrams;
	}

	/** The connection is gone: every frame held is closed. */
	close(): void {
		this.#open = false;
		this.#datagrams?.close();
		this.#datagrams = undefined;
		if (this.#frame) this.#frame.close();
		if (this.#waiting) this.#waiting.close();
		this.#frame = this.#waiting = this.#header = undefined;
	}

	/** Takes ownership of `frame`, captured at `time` on the device clock. Returns whether it waits to be written. */
	offer(frame: DisposableFrame, time: number): boolean {
		if (!this.#open) {
			frame.close();
			this.dropped++;
			return false;
		}
		if (this.#datagrams) {
			this.#send(this.#datagrams, frame, time);
			return false;
		}
		if (this.#waiting) {
			this.#waiting.close();
			this.dropped++;
		}
		this.#waiting = frame;
		this.#waitingTime = time;
		return true;
	}

	/** Sends `frame` as datagrams if the pace allows, it fits and the socket takes it, and closes it. */
	#send(sender: DatagramSender, frame: DisposableFrame, time: number): void {
		try {
			if (this.#fits(frame) && sender.due(time) && sender.send(this.#encode(frame, time).subarray(HEADER_BYTES), frame)) {
				this.sent++;
				return;
			}
		}
		finally {
			frame.close();
		}
		this.dropped++;
	}

	#fits(frame: DisposableFrame): boolean {
		return FRAME_FIELDS_BYTES + frame.byteLength <= this.#maxBodyBytes;
	}

	/** The header of the next frame, numbered: the frame's seq is taken. */
	#encode(frame: DisposableFrame, time: number): Uint8Array {
		const header = this.#encoder.encode(this.#seq, time + this.#clockOffset, this.#width, this.#height, frame.byteLength);
		this.#seq = (this.#seq + 1) >>> 0;
		return header;
	}

	/**
	 * Writes what the pipe takes of the frame in flight; false when none is. Nothing else may go on the
	 * pipe until a frame in flight is done.
	 */
	write(pipe: Pipe): boolean {
		const frame = this.#frame;
		if (!frame) return false;
		if (this.#headerOffset < FRAME_HEADER_BYTES) {
			this.#headerOffset += pipe.writeSome(this.#header!, this.#headerOffset);
			return true;
		}
		this.#frameOffset += pipe.writeSome(frame, this.#frameOffset);
		if (this.#frameOffset === frame.byteLength) {
			this.#frame = undefined;
			this.sent++;
			frame.close();
		}
		return true;
	}

	/**
	 * Makes the waiting frame the one in flight; false when none waits. A frame too large for the receiver
	 * is dropped instead (and true returned: the caller looks again).
	 */
	start(): boolean {
		const frame = this.#waiting;
		if (!frame) return false;
		if (!this.#fits(frame)) {
			this.#waiting = undefined;
			frame.close();
			this.dropped++;
			return true;
		}
		// before the frame leaves the waiting slot: should encoding throw, close() still finds it there
		this.#header = this.#encode(frame, this.#waitingTime);
		this.#waiting = undefined;
		this.#headerOffset = 0;
		this.#frameOffset = 0;
		this.#frame = frame;
		return true;
	}
}
