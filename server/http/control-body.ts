// What POST /api/cameras/:id/control accepts: the settings the camera announced in its capabilities
// (docs/protocol.md), each checked by the rule the firmware applies too (src/protocol/controls.ts), so a
// 400 names the key and what it allows before anything reaches the camera. A choice is forwarded as the
// camera spells it ("vga" goes as "VGA"). A camera that announced nothing (firmware of protocol v1 before
// capabilities) gets its settings unchecked here: it answers every key itself.

import { rule, settle } from "../../src/protocol/controls";
import type { ControlDescription, ControlSettings } from "../../src/protocol/types";
import { xscamError } from "../errors";

/** The request body as control settings for a camera that announced `controls`; throws XSCAM_ERR_BAD_CONTROL (400). */
export function controlSettings(body: unknown, controls: ControlDescription[] | undefined): ControlSettings {
	if (typeof body !== "object" || body === null || Array.isArray(body))
		throw xscamError("XSCAM_ERR_BAD_CONTROL", "the body must be a JSON object of settings, e.g. {\"brightness\": 1}");
	const keys = Object.keys(body);
	const known = controls === undefined ? "" : "; this camera takes " + controls.map((control) => control.key).join(", ");
	if (keys.length === 0) throw xscamError("XSCAM_ERR_BAD_CONTROL", "no settings given" + known);
	const settings: ControlSettings = Object.create(null);
	for (const key of keys) {
		const value = (body as { [key: string]: unknown })[key];
		if (controls === undefined) {
			if (typeof value !== "number" && typeof value !== "string") throw xscamError("XSCAM_ERR_BAD_CONTROL", key + " must be a number or a string, got " + JSON.stringify(value));
			settings[key] = value;
			continue;
		}
		const control = controls.find((candidate) => candidate.key === key);
		if (control === undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", "unknown setting " + JSON.stringify(key) + known);
		const settled = settle(control, value);
		if (settled === undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", key + " must be " + rule(control) + ", got " + JSON.stringify(value));
		settings[key] = settled;
	}
	return settings;
}
