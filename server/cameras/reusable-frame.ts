// A frame whose buffer ingest may reuse (ingest/frame-intake.ts makes them): once a newer frame has
// replaced it as the camera's latest, its buffer takes a later frame, unless someone kept it.
// There are two ways to keep a frame:
// - read its `jpeg`, as a viewer or a snapshot does: the frame is then kept for good;
// - `lend()` it, as the recorder does: the buffer waits until every loan is given back.
// Reading `jpeg` once the buffer has been reused throws. So a holder that read too late fails loudly
// rather than sending another frame's bytes.

import type { ReceivedFrame } from "./camera";

/** A frame's JPEG lent to one holder: valid until `release()`, which the holder calls once, when it is done with the bytes. */
export interface Loan {
	readonly jpeg: Buffer;
	release(): void;
}

export class ReusableFrame implements ReceivedFrame {
	#jpeg: Buffer | undefined;
	#read = false;
	#loans = 0;
	#free: ((memory: ArrayBuffer) => void) | undefined; // set once the frame is replaced while lent

	constructor(jpeg: Buffer, readonly seq: number, readonly captureTime: number, readonly receivedAt: number,
		readonly latencyMs: number | undefined, readonly width: number, readonly height: number) {
		this.#jpeg = jpeg;
	}

	get jpeg(): Buffer {
		this.#read = true;
		return this.#bytes();
	}

	lend(): Loan {
		const jpeg = this.#bytes();
		this.#loans++;
		let released = false;
		return {
			jpeg,
			release: () => {
				if (released) return;
				released = true;
				if (--this.#loans === 0 && this.#free !== undefined) this.#giveBack(this.#free);
			},
		};
	}

	/**
	 * The frame has been replaced. If its buffer is one of `reusable`, and nobody read its JPEG, the buffer
	 * goes to `free`: now, or when the last loan comes back.
	 */
	replaced(reusable: WeakSet<ArrayBuffer>, free: (memory: ArrayBuffer) => void): void {
		const memory = this.#jpeg?.buffer as ArrayBuffer | undefined;
		if (this.#read || memory === undefined || !reusable.has(memory)) return;
		if (this.#loans > 0) this.#free = free;
		else this.#giveBack(free);
	}

	#giveBack(free: (memory: ArrayBuffer) => void): void {
		this.#free = undefined;
		if (this.#read) return; // read while lent, after it was replaced: kept after all
		const memory = this.#jpeg!.buffer as ArrayBuffer;
		this.#jpeg = undefined;
		free(memory);
	}

	#bytes(): Buffer {
		if (this.#jpeg === undefined) throw new Error("frame " + this.seq + "'s JPEG read after its buffer was reused: read a frame's jpeg when you keep the frame (cameras/reusable-frame.ts)");
		return this.#jpeg;
	}
}

/** `frame`'s JPEG for a holder that gives it back: lent if ingest may reuse the frame's buffer, else simply read. */
export function lend(frame: ReceivedFrame): Loan {
	return frame instanceof ReusableFrame ? frame.lend() : { jpeg: frame.jpeg, release: () => {} };
}
