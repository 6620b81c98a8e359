// What POST /api/cameras/:id/control accepts: the settings of docs/protocol.md ("control"), each with
// its range. One table serves the validation (clear 400s naming the key and its range) and the web
// page, which builds its control panel from GET /api/controls.

import { FRAME_SIZES } from "../../src/camera/frame-sizes";
import type { ControlSettings } from "../../src/protocol/types";
import { xscamError } from "../errors";

export interface ControlRule {
	key: string;
	label: string;
	kind: "number" | "integer" | "choice";
	min?: number;
	max?: number;
	step?: number;
	choices?: string[];
	/** Labels for the integer values min..max, when they are names (white balance). */
	names?: string[];
	/** "now", or "next start" for a setting stored on the device and used when it restarts. */
	applies: "now" | "next start";
}

const integer = (key: string, label: string, min: number, max: number): ControlRule =>
	({ key, label, kind: "integer", min, max, step: 1, applies: "now" });

export const CONTROL_RULES: ControlRule[] = [
	{ key: "frameRate", label: "frame rate cap (fps)", kind: "number", min: 0.1, max: 60, step: 0.1, applies: "now" },
	integer("brightness", "brightness", -2, 2),
	integer("contrast", "contrast", -2, 2),
	integer("saturation", "saturation", -2, 2),
	integer("sharpness", "sharpness", -3, 3),
	integer("denoise", "denoise", 0, 8),
	{ ...integer("whiteBalance", "white balance", 0, 4), names: ["auto", "sunny", "cloudy", "office", "home"] },
	{ key: "frameSize", label: "frame size", kind: "choice", choices: Object.keys(FRAME_SIZES), applies: "next start" },
];

const RULES = new Map(CONTROL_RULES.map((rule) => [rule.key, rule]));

function allows(rule: ControlRule, value: unknown): boolean {
	if (rule.kind === "choice") return typeof value === "string" && rule.choices!.includes(value);
	return typeof value === "number" && Number.isFinite(value) && value >= rule.min! && value <= rule.max! &&
		(rule.kind === "number" || Number.isInteger(value));
}

function describe(rule: ControlRule): string {
	if (rule.kind === "choice") return "one of " + rule.choices!.join(", ");
	return (rule.kind === "integer" ? "an integer" : "a number") + " from " + rule.min + " to " + rule.max;
}

/** The request body as control settings; throws XSCAM_ERR_BAD_CONTROL (400) naming what is wrong. */
export function controlSettings(body: unknown): ControlSettings {
	if (typeof body !== "object" || body === null || Array.isArray(body))
		throw xscamError("XSCAM_ERR_BAD_CONTROL", "the body must be a JSON object of settings, e.g. {\"brightness\": 1}");
	const keys = Object.keys(body);
	if (keys.length === 0) throw xscamError("XSCAM_ERR_BAD_CONTROL", "no settings given; known: " + [...RULES.keys()].join(", "));
	const settings: ControlSettings = {};
	for (const key of keys) {
		const rule = RULES.get(key);
		const value = (body as { [key: string]: unknown })[key];
		if (rule === undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", "unknown setting " + JSON.stringify(key) + "; known: " + [...RULES.keys()].join(", "));
		if (!allows(rule, value)) throw xscamError("XSCAM_ERR_BAD_CONTROL", key + " must be " + describe(rule) + ", got " + JSON.stringify(value));
		settings[key] = value as number | string;
	}
	return settings;
}
