// How fast control requests may come: a token bucket per key (a camera, or a client), refilled on the
// receiver's clock. A camera's settings are for people; a client that sends them in a loop, or many
// clients at once, get 429s, and the camera's link stays free for its frames. A bucket that has filled
// again is what a new key gets, so those are forgotten: with a key per address (--insecure-viewers),
// many addresses must not grow the table without end.

import type { Clock } from "../clock";

/** Keys held before the first sweep for full buckets; after one, twice what it kept. */
const SWEEP_ABOVE = 1024;

export class ControlRate {
	/** Requests a second, and as many at once. */
	readonly perSecond: number;
	readonly #clock: Clock;
	readonly #buckets = new Map<string, { tokens: number; at: number }>();
	#sweepAbove = SWEEP_ABOVE;

	constructor(clock: Clock, perSecond: number) {
		this.#clock = clock;
		this.perSecond = perSecond;
	}

	/** Whether `key` may have one more request now (and counts it). */
	take(key: string): boolean {
		const now = this.#clock.now();
		const bucket = this.#buckets.get(key) ?? { tokens: this.perSecond, at: now };
		bucket.tokens = this.#refilled(bucket, now);
		bucket.at = now;
		this.#buckets.set(key, bucket);
		const allowed = bucket.tokens >= 1;
		if (allowed) bucket.tokens--;
		if (this.#buckets.size > this.#sweepAbove) this.#sweep(now); // after the count: this key's bucket is not full now
		return allowed;
	}

	/** How many keys it holds a bucket for (a full one goes at the next sweep). */
	get size(): number {
		return this.#buckets.size;
	}

	#refilled(bucket: { tokens: number; at: number }, now: number): number {
		return Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
	}

	#sweep(now: number): void {
		for (const [key, bucket] of this.#buckets) if (this.#refilled(bucket, now) >= this.perSecond) this.#buckets.delete(key);
		this.#sweepAbove = Math.max(SWEEP_ABOVE, 2 * this.#buckets.size);
	}
}
