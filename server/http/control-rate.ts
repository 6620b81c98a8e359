// How fast control requests may come: a token bucket per key (a camera, or a client), refilled on the
// receiver's clock. A camera's settings are for people; a client that sends them in a loop, or many
// clients at once, get 429s, and the camera's link stays free for its frames.

import type { Clock } from "../clock";

export class ControlRate {
	/** Requests a second, and as many at once. */
	readonly perSecond: number;
	readonly #clock: Clock;
	readonly #buckets = new Map<string, { tokens: number; at: number }>();

	constructor(clock: Clock, perSecond: number) {
		this.#clock = clock;
		this.perSecond = perSecond;
	}

	/** Whether `key` may have one more request now (and counts it). */
	take(key: string): boolean {
		const now = this.#clock.now();
		const bucket = this.#buckets.get(key) ?? { tokens: this.perSecond, at: now };
		bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
		bucket.at = now;
		this.#buckets.set(key, bucket);
		if (bucket.tokens < 1) return false;
		bucket.tokens--;
		return true;
	}
}
