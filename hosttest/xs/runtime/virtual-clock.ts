// The XS board's clock: virtual time that moves only when Node says so, so one crank of the engine is
// one step of the world, and what a crank costs does not depend on how fast the host machine is.
// Timers fire in order of due time (ties in the order they were set) with the clock set to their due
// time; callbacks deferred with defer() run after the callback that deferred them, before the next
// timer: the "later turn" in which the host modules deliver IO events. Runs inside XS.

interface Entry {
	due: number;
	callback: () => void;
}

export class VirtualClock {
	#now: number;
	#timers: Entry[] = []; // sorted by due time, stable
	#deferred: (() => void)[] = [];

	constructor(epoch: number) {
		this.#now = epoch;
	}

	now(): number {
		return this.#now;
	}

	/** Armed timers. */
	get pending(): number {
		return this.#timers.length;
	}

	setTimer(callback: () => void, ms: number): unknown {
		const entry: Entry = { due: this.#now + Math.max(0, ms), callback };
		const timers = this.#timers;
		let index = timers.length;
		while (index > 0 && timers[index - 1].due > entry.due) index--;
		timers.splice(index, 0, entry);
		return entry;
	}

	clearTimer(handle: unknown): void {
		const index = this.#timers.indexOf(handle as Entry);
		if (index >= 0) this.#timers.splice(index, 1);
	}

	defer(callback: () => void): void {
		this.#deferred.push(callback);
	}

	/** Runs what is deferred, then every timer due within `ms`, and leaves the clock `ms` later. */
	advance(ms: number): void {
		const end = this.#now + ms;
		this.#drain();
		while (this.#timers.length && this.#timers[0].due <= end) {
			const entry = this.#timers.shift()!;
			this.#now = entry.due;
			entry.callback();
			this.#drain();
		}
		this.#now = end;
	}

	#drain(): void {
		const deferred = this.#deferred;
		while (deferred.length) deferred.shift()!();
	}
}
