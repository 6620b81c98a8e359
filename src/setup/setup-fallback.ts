// When a camera opens its setup access point although it has Wi-Fi settings: it has never joined the
// network it is set for (a typo in the password, a network that moved) and has gone `after` ms without
// it since it started. A camera that once joined its network keeps trying it, however long the router
// is away: a mounted camera must come back by itself, not wait in setup mode.
//
// The access point opens at the next start, not in this one: the SDK's two Wi-Fi modules each set the
// radio up (reference/moddable-sdk.md §3.2), so setup mode runs only the older `wifi` module, from a
// fresh start (setup/setup-mode.ts). The request survives the restart in preference and is taken once.

import type Preference from "preference";
import type Timer from "timer";

// NVS domains and keys are at most 15 characters (hosttest/host/preference.ts).
const DOMAIN = "xscamSetup";
const REQUESTED = "requested";
const JOINED = "joined";

type TimerId = ReturnType<typeof Timer.set>;

export interface SetupFallbackOptions {
	Timer: typeof Timer;
	Preference: typeof Preference;
	/** The network the camera starts with. */
	ssid: string;
	after: number;
	/** Restarts the camera; its next start opens the setup access point. */
	restart: (why: string) => void;
}

export class SetupFallback {
	readonly #options: SetupFallbackOptions;
	#pending: TimerId | undefined;

	constructor(options: SetupFallbackOptions) {
		this.#options = options;
		if (options.Preference.get(DOMAIN, JOINED) === options.ssid) return;
		this.#pending = options.Timer.set(() => {
			this.#pending = undefined;
			options.Preference.set(DOMAIN, REQUESTED, true);
			options.restart("never joined " + JSON.stringify(options.ssid) + " and not within " + options.after / 1000 + " s: opening the setup access point");
		}, options.after);
	}

	/** The camera joined `ssid`: from now on it only ever rejoins it. */
	joined(ssid: string): void {
		this.close();
		if (this.#options.Preference.get(DOMAIN, JOINED) !== ssid) this.#options.Preference.set(DOMAIN, JOINED, ssid); // a write only when it changes: flash wears
	}

	close(): void {
		if (this.#pending !== undefined) this.#options.Timer.clear(this.#pending);
		this.#pending = undefined;
	}
}

/** Whether the last start asked for the setup access point; the request is taken once. */
export function takeSetupRequest(preference: typeof Preference): boolean {
	if (preference.get(DOMAIN, REQUESTED) !== true) return false;
	preference.delete(DOMAIN, REQUESTED);
	return true;
}
