// The one-item slot every viewer has, whatever it is fed (MJPEG parts today, RTP packets of a frame
// tomorrow): an item offered while the viewer's connection is still flushing the previous one takes the
// slot, replacing (skipping) whatever waited there; when the connection drains, the slot is written. So
// every viewer writes the same shared frame, a slow viewer skips frames instead of queueing them and holds
// at most one item in its socket's buffer plus one in its slot, and no viewer waits for another, the
// same policy the camera driver and the firmware's frame schedule follow. A viewer that stops reading is the
// stall watch's to judge (stall-watch.ts).

/** Where items go: write() takes one and returns false when the sink must drain before the next. */
export interface Sink<T> {
	write(item: T): boolean;
}

export class LatestWins<T> {
	/** Items written. */
	sent = 0;
	/** Items replaced in the slot by a newer one before they were written. */
	skipped = 0;
	readonly #sink: Sink<T>;
	#waiting = false;
	#slot: T | undefined;

	constructor(sink: Sink<T>) {
		this.#sink = sink;
	}

	/** Waiting for the sink to drain the last item written. */
	get waiting(): boolean {
		return this.#waiting;
	}

	/** Writes `item` now, or keeps it for the drain; returns whether it replaced a waiting item. */
	offer(item: T): boolean {
		if (!this.#waiting) {
			this.#write(item);
			return false;
		}
		const skipped = this.#slot !== undefined;
		if (skipped) this.skipped++;
		this.#slot = item; // latest wins
		return skipped;
	}

	/** The sink drained: the waiting item, if any, goes now. */
	drained(): void {
		this.#waiting = false;
		const next = this.#slot;
		this.#slot = undefined;
		if (next !== undefined) this.#write(next);
	}

	/** Forgets the waiting item (the viewer is leaving). */
	clear(): void {
		this.#slot = undefined;
	}

	#write(item: T): void {
		this.sent++;
		this.#waiting = !this.#sink.write(item);
	}
}
