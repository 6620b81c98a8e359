// The network settings a move from the receiver (app/network-move.ts) or the setup page (setup/) saved:
// kept in preference and laid over the manifest's config at every start, so they win over it until
// reset (the "networkFrom": "manifest" control, or erasing the flash). They pass the manifest's own rules (settings.ts) or are
// not used: a saved value that a newer firmware no longer takes is forgotten, and the manifest's used.

import type Preference from "preference";
import { type Config, readSettings } from "./settings";

// NVS domains and keys are at most 15 characters (hosttest/host/preference.ts).
const DOMAIN = "xscamNet";

/** The settings a move may change. */
export const NETWORK_KEYS = ["ssid", "password", "server", "port"] as const;
export type NetworkKey = (typeof NETWORK_KEYS)[number];
export type NetworkOverrides = { [key in NetworkKey]?: string | number };

export function savedNetwork(preference: typeof Preference): NetworkOverrides {
	const saved: NetworkOverrides = {};
	for (const key of NETWORK_KEYS) {
		const value = preference.get(DOMAIN, key);
		if (typeof value === "string" || typeof value === "number") saved[key] = value;
	}
	return saved;
}

/** Replaces what is saved with `overrides`. */
export function saveNetwork(preference: typeof Preference, overrides: NetworkOverrides): void {
	for (const key of NETWORK_KEYS) {
		const value = overrides[key];
		if (value === undefined) preference.delete(DOMAIN, key);
		else preference.set(DOMAIN, key, value);
	}
}

/** The manifest's config with `overrides` over it. */
export function withOverrides(config: Config, overrides: NetworkOverrides): Config {
	const merged: { [key: string]: unknown } = {};
	for (const key in config) merged[key] = config[key];
	for (const key in overrides) merged[key] = overrides[key as NetworkKey];
	return merged;
}

/**
 * The config to start with: the manifest's, with what a move or the setup page saved over it. Saved
 * settings that no longer pass (a newer firmware's rules) are forgotten, and the manifest's used.
 */
export function configAtStart(config: Config, preference: typeof Preference, log: (line: string) => void): Config {
	const saved = savedNetwork(preference);
	if (Object.keys(saved).length === 0) return config;
	const merged = withOverrides(config, saved);
	try {
		readSettings(merged);
		log("using the network settings saved on the camera (" + Object.keys(saved).join(", ") + ")");
		return merged;
	}
	catch (error) {
		saveNetwork(preference, {});
		log("forgot the saved network settings: " + (error as Error).message);
		return config;
	}
}
