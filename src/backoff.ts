// Exponential backoff with jitter for every retry the device makes (Wi-Fi joins, server connections).
// A device must never spin or reboot into a loop, and a fleet that lost its receiver must not come back
// in lockstep: each delay is drawn from [base * 2^n / 2, base * 2^n], capped.

export interface BackoffOptions {
	/** First delay, ms. */
	base: number;
	/** Largest delay, ms. */
	max: number;
	/** Returns [0, 1); Math.random unless a test pins it. */
	random?: () => number;
}

export class Backoff {
	readonly #base: number;
	readonly #max: number;
	readonly #random: () => number;
	#attempt = 0;

	constructor(options: BackoffOptions) {
		this.#base = options.base;
		this.#max = options.max;
		this.#random = options.random ?? Math.random;
	}

	/** How many delays were drawn since the last reset. */
	get attempt(): number {
		return this.#attempt;
	}

	/** The delay before the next attempt. */
	next(): number {
		const ceiling = Math.min(this.#max, this.#base * Math.pow(2, this.#attempt));
		this.#attempt++;
		return Math.round(ceiling / 2 + (ceiling / 2) * this.#random());
	}

	/** After a success: the next failure starts again from the base delay. */
	reset(): void {
		this.#attempt = 0;
	}
}
