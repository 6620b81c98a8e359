// Moving the camera to another receiver or Wi-Fi network from the receiver (docs/protocol.md, "Moving a
// camera"): the move controls, checked with the manifest's own rules (settings.ts), and a trial. The
// device leaves its current settings, tries the new ones, and keeps them (saved to preference,
// saved-settings.ts) only once a receiver welcomes it through them; after MOVE_ATTEMPTS failures or
// MOVE_TRIAL_MS without a welcome it goes back to the settings it had and says why in its log. A
// Wi-Fi password is taken only over a session with TLS: in clear text anyone on the path would read it.

import type Preference from "preference";
import type Timer from "timer";
import type { ControlAnswer, ControlDescription, ControlSettings } from "../protocol/types";
import { NETWORK_KEYS, type NetworkOverrides, saveNetwork, savedNetwork, withOverrides } from "./saved-settings";
import { type Config, readSettings, type Settings } from "./settings";

type TimerId = ReturnType<typeof Timer.set>;

/** Resets to the manifest's network settings (forgetting the saved ones), as a move with its own trial. */
const RESET_KEY = "networkFrom";
const MOVE_KEYS: readonly string[] = [...NETWORK_KEYS, RESET_KEY];

/** Failed joins or connections before a trial gives up, and the most it may take, ms. */
export const MOVE_ATTEMPTS = 3;
export const MOVE_TRIAL_MS = 90_000;
/** Time for the control's answer to leave before the connection it came on is closed, ms. */
const ANSWER_LEAVES_MS = 500;
/** What an answer shows for a secret: never its value. */
const HIDDEN = "(hidden)";

export const MOVE_CONTROLS: ControlDescription[] = [
	{ key: "server", label: "receiver address", kind: "text", maxLength: 253, applies: "after a trial" },
	{ key: "port", label: "receiver port", kind: "integer", min: 1, max: 65535, applies: "after a trial" },
	{ key: "ssid", label: "Wi-Fi network", kind: "text", maxLength: 32, applies: "after a trial" },
	{ key: "password", label: "Wi-Fi password", kind: "text", maxLength: 64, secret: true, applies: "after a trial" },
	{ key: RESET_KEY, label: "network settings from", kind: "choice", choices: ["manifest"], applies: "after a trial" },
];

export function isMoveKey(key: string): boolean {
	return MOVE_KEYS.indexOf(key) >= 0;
}

export interface NetworkMovesOptions {
	Timer: typeof Timer;
	Preference: typeof Preference;
	/** The manifest's config: the base of every move, and what a reset returns to. */
	config: Config;
	/** The settings the device runs with now. */
	current: () => Settings;
	/** Leaves the current settings' Wi-Fi and receiver for those of `settings`. */
	switchTo: (settings: Settings) => void;
	log: (line: string) => void;
}

interface Trial {
	from: Settings;
	to: Settings;
	overrides: NetworkOverrides;
	failures: number;
	deadline: TimerId | undefined; // undefined once it fired (a one-shot timer is not cleared after)
}

export class NetworkMoves {
	readonly #options: NetworkMovesOptions;
	#trial: Trial | undefined;
	#starting: TimerId | undefined; // a move answered, waiting for its answer to leave

	constructor(options: NetworkMovesOptions) {
		this.#options = options;
	}

	/** Answers the move keys of a control (all pending, or all refused) and starts the trial after the answer left. */
	apply(settings: ControlSettings, answer: ControlAnswer): void {
		const keys = Object.keys(settings);
		const refuse = (key: string, reason: string) => {
			answer.refused[key] = reason;
			for (const other of keys) if (other !== key) answer.refused[other] = "not moved: " + key + " was refused";
		};
		const current = this.#options.current();
		if (this.#trial || this.#starting !== undefined) return refuse(keys[0], "a move is being tried already");
		if (RESET_KEY in settings && keys.length > 1) return refuse(RESET_KEY, "goes alone, without other network settings");
		if ("password" in settings && !current.tls) return refuse("password", "is taken only over TLS; this camera's session is clear text");
		const overrides = RESET_KEY in settings ? {} : savedNetwork(this.#options.Preference);
		for (const key of keys) if (key !== RESET_KEY) overrides[key as keyof NetworkOverrides] = settings[key];
		let to: Settings;
		try {
			to = readSettings(withOverrides(this.#options.config, overrides));
		}
		catch (error) {
			const message = (error as Error).message; // "config: <key> must be …"
			const key = keys.filter((candidate) => message.indexOf("config: " + candidate + " ") === 0)[0];
			return key ? refuse(key, message.slice(("config: " + key + " ").length)) : refuse(keys[0], message);
		}
		for (const key of keys) answer.pending[key] = key === "password" ? HIDDEN : settings[key];
		this.#starting = this.#options.Timer.set(() => {
			this.#starting = undefined;
			this.#start(current, to, overrides);
		}, ANSWER_LEAVES_MS);
	}

	/** The device was welcomed by a receiver: a trial's settings are kept. */
	welcomed(): void {
		const trial = this.#trial;
		if (!trial) return;
		this.#end(trial);
		try {
			saveNetwork(this.#options.Preference, trial.overrides);
		}
		catch (error) {
			// a full NVS throws; out of a socket callback that would restart the chip (docs/hardware.md)
			this.#options.log("moved to " + where(trial.to) + ", but cannot save it (" + (error as Error).message + "): the next start uses the old settings");
			return;
		}
		this.#options.log("moved to " + where(trial.to) + (Object.keys(trial.overrides).length ? "; saved" : "; the manifest's settings again"));
	}

	/** A join or a connection failed, and why. */
	failed(reason: string): void {
		const trial = this.#trial;
		if (trial && ++trial.failures >= MOVE_ATTEMPTS) this.#giveUp(trial, reason);
	}

	/** For the hosts: the device closes. */
	close(): void {
		if (this.#starting !== undefined) this.#options.Timer.clear(this.#starting);
		this.#starting = undefined;
		if (this.#trial) this.#end(this.#trial);
	}

	#start(from: Settings, to: Settings, overrides: NetworkOverrides): void {
		const trial: Trial = {
			from, to, overrides, failures: 0,
			deadline: this.#options.Timer.set(() => {
				trial.deadline = undefined;
				this.#giveUp(trial, "no welcome within " + MOVE_TRIAL_MS / 1000 + " s");
			}, MOVE_TRIAL_MS),
		};
		this.#trial = trial;
		this.#options.log("moving to " + where(to) + "; back to " + where(from) + " unless welcomed there");
		this.#options.switchTo(to);
	}

	#giveUp(trial: Trial, reason: string): void {
		this.#end(trial);
		this.#options.log("move to " + where(trial.to) + " failed (" + reason + "); back to " + where(trial.from));
		this.#options.switchTo(trial.from);
	}

	#end(trial: Trial): void {
		if (trial.deadline !== undefined) this.#options.Timer.clear(trial.deadline);
		this.#trial = undefined;
	}
}

/** Where `settings` stream, for the log: Wi-Fi name and receiver, never the password. */
function where(settings: Settings): string {
	return settings.server + ":" + settings.port + " over " + JSON.stringify(settings.ssid);
}
