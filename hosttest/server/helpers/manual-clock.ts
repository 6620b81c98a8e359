// A clock that moves only when a test says so: every timeout of the receiver (hello, silence, viewer
// stall, control answer, segment boundaries) fires on advance(), in time order, and never on its own.

import type { Cancel, Clock } from "../../../server/clock";

interface Timer {
	at: number;
	fn: () => void;
	every: number | undefined;
}

export class ManualClock implements Clock {
	#now: number;
	readonly #timers = new Set<Timer>();

	constructor(start = Date.UTC(2025, 10, 26, 12, 0, 0)) {
		this.#now = start;
	}

	now(): number {
		return this.#now;
	}

	after(ms: number, fn: () => void): Cancel {
		return this.#add({ at: this.#now + ms, fn, every: undefined });
	}

	every(ms: number, fn: () => void): Cancel {
		return this.#add({ at: this.#now + ms, fn, every: ms });
	}

	/** Timers waiting to fire: 0 after a receiver closed, or it leaked one. */
	get pending(): number {
		return this.#timers.size;
	}

	/** Moves time forward by `ms`, firing each timer that falls due, earliest first. */
	advance(ms: number): void {
		const end = this.#now + ms;
		for (;;) {
			let next: Timer | undefined;
			for (const timer of this.#timers) if (timer.at <= end && (next === undefined || timer.at < next.at)) next = timer;
			if (next === undefined) break;
			this.#now = next.at;
			if (next.every === undefined) this.#timers.delete(next);
			else next.at += next.every;
			next.fn();
		}
		this.#now = end;
	}

	#add(timer: Timer): Cancel {
		this.#timers.add(timer);
		return () => {
			this.#timers.delete(timer);
		};
	}
}
