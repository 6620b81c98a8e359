// A frame size chosen by the receiver is stored in preferences and used at the next start: the SDK's
// camera cannot be closed and reopened reliably on the ESP32 (reference/moddable-sdk.md §1.7). The
// configured size it replaced is stored beside it, so a firmware flashed with a different frameSize
// wins over an old choice instead of being silently overridden.

import type Preference from "preference";
import { FRAME_SIZES } from "./frame-sizes";

// NVS keys and domains are at most 15 characters.
const DOMAIN = "xscam";
const CHOSEN = "frameSize";
const REPLACED = "frameSizeCfg";

/** The frame size to open the camera at. */
export function frameSizeAtStart(preference: typeof Preference, configured: string): string {
	const chosen = preference.get(DOMAIN, CHOSEN);
	if (typeof chosen === "string" && chosen in FRAME_SIZES && preference.get(DOMAIN, REPLACED) === configured) return chosen;
	if (chosen !== undefined) forget(preference);
	return configured;
}

export function storeFrameSize(preference: typeof Preference, configured: string, chosen: string): void {
	if (chosen === configured) {
		forget(preference);
		return;
	}
	preference.set(DOMAIN, CHOSEN, chosen);
	preference.set(DOMAIN, REPLACED, configured);
}

function forget(preference: typeof Preference): void {
	preference.delete(DOMAIN, CHOSEN);
	preference.delete(DOMAIN, REPLACED);
}
