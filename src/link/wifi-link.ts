// Keeps the station joined to the access point. The SDK's ECMA-419 Wi-Fi makes one attempt per
// connect() and never retries; a wrong password, a missing access point and a later drop all look the
// same: `connection` falls back to 200 (reference/moddable-sdk.md §3.3). The SDK's setup/network would
// then never start main at all, so the build leaves it out and this supervisor joins, notices loss, and
// rejoins with capped exponential backoff and jitter.

import type WiFi from "embedded:network/interface/wifi";
import type Timer from "timer";
import { Backoff } from "../backoff";

type TimerId = ReturnType<typeof Timer.set>; // an opaque handle: a Timer object on the SDK, a number elsewhere

/** What the supervisor is doing: joining, up (has an IP), or waiting before the next attempt. */
export type LinkState = "joining" | "up" | "waiting";

export interface WifiLinkOptions {
	WiFi: typeof WiFi;
	Timer: typeof Timer;
	ssid: string;
	password: string;
	/** Called on every change of state; `retryIn` is the wait before the next attempt when waiting. */
	onChanged: (state: LinkState, retryIn?: number) => void;
	/** An attempt that has no IP after this long is abandoned, ms. */
	joinTimeout?: number;
	backoff?: Backoff;
}

const CONNECTED = 500; // associated and has an IP
const DISCONNECTED = 200;

export class WifiLink {
	readonly #wifi: WiFi;
	readonly #timer: typeof Timer;
	#credentials: { SSID: string; password?: string };
	readonly #onChanged: (state: LinkState, retryIn?: number) => void;
	readonly #joinTimeout: number;
	readonly #backoff: Backoff;
	#state: LinkState | undefined;
	#pending: TimerId | undefined; // the join timeout, or the wait before the next attempt

	constructor(options: WifiLinkOptions) {
		this.#timer = options.Timer;
		this.#credentials = credentials(options.ssid, options.password);
		this.#onChanged = options.onChanged;
		this.#joinTimeout = options.joinTimeout ?? 20_000;
		this.#backoff = options.backoff ?? new Backoff({ base: 1000, max: 60_000 });
		const link = this;
		this.#wifi = new options.WiFi({
			onChanged(what) {
				if (what === "connection") link.#connectionChanged();
			},
		});
	}

	get state(): LinkState | undefined {
		return this.#state;
	}

	/** Signal strength in dBm while up. */
	get rssi(): number | undefined {
		return this.#wifi.RSSI;
	}

	get address(): string | undefined {
		return this.#wifi.address;
	}

	/** The network every later attempt joins (a setup page, say, found a new one); rejoin() tries it now. */
	setCredentials(ssid: string, password: string): void {
		this.#credentials = credentials(ssid, password);
	}

	/** Leaves the network and joins again at once, with the current credentials. */
	rejoin(): void {
		this.#wifi.disconnect();
		this.#join();
	}

	start(): void {
		if (this.#wifi.connection >= CONNECTED) this.#up(); // a new instance picks up an existing link
		else this.#join();
	}

	close(): void {
		this.#cancelPending();
		this.#wifi.close();
		this.#state = undefined;
	}

	#join(): void {
		this.#cancelPending();
		this.#enter("joining");
		try {
			this.#wifi.connect(this.#credentials);
		}
		catch {
			// "already connecting" or "connect failed": treated like any failed attempt
			this.#retry();
			return;
		}
		this.#pending = this.#timer.set(() => {
			this.#pending = undefined;
			this.#retry();
			this.#wifi.disconnect(); // abandon the attempt; its fall to 200 is ignored while waiting
		}, this.#joinTimeout);
	}

	#connectionChanged(): void {
		const connection = this.#wifi.connection;
		if (connection >= CONNECTED) {
			if (this.#state !== "up") this.#up();
		}
		else if (connection <= DISCONNECTED && this.#state !== "waiting") {
			this.#retry(); // the attempt failed, or an established link dropped
		}
	}

	#up(): void {
		this.#cancelPending();
		this.#backoff.reset();
		this.#enter("up");
	}

	#retry(): void {
		this.#cancelPending();
		const delay = this.#backoff.next();
		this.#state = "waiting";
		this.#pending = this.#timer.set(() => {
			this.#pending = undefined;
			this.#join();
		}, delay);
		this.#onChanged("waiting", delay);
	}

	#enter(state: LinkState): void {
		this.#state = state;
		this.#onChanged(state);
	}

	#cancelPending(): void {
		if (this.#pending !== undefined) this.#timer.clear(this.#pending);
		this.#pending = undefined;
	}
}

function credentials(ssid: string, password: string): { SSID: string; password?: string } {
	return password === "" ? { SSID: ssid } : { SSID: ssid, password };
}
