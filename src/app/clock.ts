// The date, which the SDK's TLS needs: it refuses a certificate outside its validity, and an ESP32
// starts at 1970 (it keeps the time across a restart, not a power cut). So a device that speaks TLS
// never believes a date earlier than its build or the last date a receiver gave it, and takes the
// receiver's clock from every welcome (the receiver proved its certificate and, with a key, the
// camera's key before that). A receiver certificate issued after both is refused until the camera
// knows better: docs/security.md says how to issue one that is not.

import type Preference from "preference";
import type Time from "time";

// NVS keys and domains are at most 15 characters; a value is a 32-bit integer, seconds until 2038.
const DOMAIN = "xscam";
const LAST_KNOWN = "clock";

export class DeviceClock {
	readonly #time: typeof Time;
	readonly #preference: typeof Preference;

	constructor(time: typeof Time, preference: typeof Preference) {
		this.#time = time;
		this.#preference = preference;
	}

	/** Moves the clock forward to the build or the last date a receiver gave, whichever is later, if it is behind both. */
	atLeast(builtAt: number): void {
		const stored = this.#preference.get(DOMAIN, LAST_KNOWN);
		const floor = Math.max(builtAt, typeof stored === "number" ? stored : 0);
		if (Date.now() < floor * 1000) this.#time.set(floor);
	}

	/** A receiver's clock, ms since the epoch: set, and kept for the next start. */
	receiverSaid(serverTime: number): void {
		const seconds = Math.floor(serverTime / 1000);
		this.#time.set(seconds);
		this.#preference.set(DOMAIN, LAST_KNOWN, seconds);
	}
}
