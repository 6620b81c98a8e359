// The frames of one session: one in flight, at most one waiting. A newer frame replaces the waiting one
// (which is closed and counted as dropped): latest wins, so a slow link shows fresh frames at a lower
// rate rather than old ones. The JPEG is never copied in JS: its 24-byte header and then the camera's
// own buffer go to the pipe, in as many pieces as the pipe's budget asks for.
//
// Ownership: offer() takes a camera frame and closes it exactly once, on every path: when it has been
// written whole, when a newer frame replaces it, when it is too large for the receiver, when it is
// offered before the welcome, and when the connection goes (stop()).

import type { DisposableFrame } from "embedded:io/image/in/camera";
import { FRAME_FIELDS_BYTES, FRAME_HEADER_BYTES } from "../protocol/constants";
import { FrameHeaderEncoder } from "../protocol/encoder";
import type { Pipe } from "../transport/pipe";

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

	/** The connection is gone: every frame held is closed. */
	close(): void {
		this.#open = false;
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
		if (this.#waiting) {
			this.#waiting.close();
			this.dropped++;
		}
		this.#waiting = frame;
		this.#waitingTime = time;
		return true;
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
		if (FRAME_FIELDS_BYTES + frame.byteLength > this.#maxBodyBytes) {
			this.#waiting = undefined;
			frame.close();
			this.dropped++;
			return true;
		}
		// before the frame leaves the waiting slot: should encoding throw, close() still finds it there
		this.#header = this.#encoder.encode(this.#seq, this.#waitingTime + this.#clockOffset, this.#width, this.#height, frame.byteLength);
		this.#waiting = undefined;
		this.#seq = (this.#seq + 1) >>> 0;
		this.#headerOffset = 0;
		this.#frameOffset = 0;
		this.#frame = frame;
		return true;
	}
}
