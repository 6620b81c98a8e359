// The order a camera's viewers get its frames in. One thread writes every viewer's socket, one after
// another, and each write costs the kernel tens of µs (docs/performance.md, benchmark 6), so the viewer
// written last waits for all the others: the rotation starts each frame's round one viewer further on,
// so that each viewer is last once in every n frames, never always.
// A round that has run its time budget yields to the event loop (`later`) and goes on from where it
// stopped, so that a thousand viewers do not hold up ingest, the other cameras or the HTTP server for
// the whole round. A frame published while a round is under way replaces the frame of that round: the
// round goes on with the newer one, from where it got to, until every viewer has been offered it (those
// that got the older one too); so no viewer is sent a frame that is already old, and a round never
// takes longer than one pass over the viewers per frame.

/** A viewer as the rotation sees it: it takes an item (and decides itself whether to write it now). */
export interface Member<T> {
	offer(item: T): void;
}

export interface RotationTiming {
	/** How long a round may run before it yields, in ms of `now()`. */
	budgetMs: number;
	now(): number;
	/** Runs `fn` in a later turn of the event loop, after the I/O that waits. */
	later(fn: () => void): void;
}

/**
 * The timing of a camera's viewers' rounds, MJPEG's and RTSP's alike: a round may run 4 ms before it
 * lets the event loop in, long enough that a hundred viewers get a frame in one go, short enough that
 * ingest is not held up for long.
 */
export const ROUND_TIMING: RotationTiming = { budgetMs: 4, now: () => performance.now(), later: setImmediate };

/** The clock is read once every this many offers: reading it costs more than some offers. */
const OFFERS_PER_CHECK = 16;

export class Rotation<T, M extends Member<T>> {
	readonly #members: M[] = [];
	readonly #timing: RotationTiming;
	/** The member the last round began with. */
	#start = -1;
	/** The item being handed round, the next member to offer it, and how many members are still to get it. */
	#item: T | undefined;
	#next = 0;
	#left = 0;
	#yielded = false;

	constructor(timing: RotationTiming) {
		this.#timing = timing;
	}

	get size(): number {
		return this.#members.length;
	}

	[Symbol.iterator](): Iterator<M> {
		return this.#members[Symbol.iterator]();
	}

	/** A new member; it takes part from the next round (one under way passes it by). */
	add(member: M): void {
		if (this.#left === 0) {
			this.#members.push(member);
			return;
		}
		this.#members.splice(this.#next, 0, member); // just behind the round: the round does not reach it
		this.#next++;
	}

	delete(member: M): void {
		const index = this.#members.indexOf(member);
		if (index === -1) return;
		const count = this.#members.length;
		if (this.#left > 0 && (index - this.#next + count) % count < this.#left) this.#left--; // it was still to come
		this.#members.splice(index, 1);
		if (index < this.#next) this.#next--;
		if (this.#next >= this.#members.length) this.#next = 0;
		if (index < this.#start) this.#start--;
		if (this.#start >= this.#members.length) this.#start = -1; // the next round begins with the first
		if (this.#left === 0) this.#item = undefined;
	}

	/** Offers `item` to every member, starting one member further on than the last round. */
	publish(item: T): void {
		const count = this.#members.length;
		if (count === 0) return;
		this.#item = item;
		if (this.#left === 0) { // else the round under way goes on, with this item, from where it is
			this.#start = (this.#start + 1) % count;
			this.#next = this.#start;
		}
		this.#left = count;
		if (!this.#yielded) this.#round();
	}

	#round(): void {
		const { budgetMs, now, later } = this.#timing;
		const until = now() + budgetMs;
		let offers = 0;
		while (this.#left > 0) {
			const member = this.#members[this.#next];
			this.#next = (this.#next + 1) % this.#members.length;
			this.#left--;
			member.offer(this.#item!);
			if (++offers % OFFERS_PER_CHECK === 0 && this.#left > 0 && now() >= until) {
				this.#yielded = true;
				later(() => {
					this.#yielded = false;
					this.#round();
				});
				return;
			}
		}
		this.#item = undefined; // the frame is not held past its round
	}
}
