// What a camera's settings are, as the device describes them in its capabilities message
// (docs/protocol.md, "capabilities"), and the one rule both sides apply to a value: the firmware before
// it changes a setting, the receiver before it forwards a viewer's request. So the two can never
// disagree about what a camera takes.

import { bad, isObject } from "./fields";

/** Control values are JSON numbers or strings (a frame size is a name such as "VGA"). */
export type ControlValue = number | string;
export type ControlSettings = { [key: string]: ControlValue };

/** "after a trial": a move to other network settings, kept only once the camera is welcomed through them (docs/protocol.md, "Moving a camera"). */
export type Applies = "now" | "next start" | "after a trial";

interface Described {
	/** The setting's name in control messages, e.g. "brightness". */
	key: string;
	/** What a person calls it, e.g. "white balance". */
	label: string;
	/** "now", "next start" for a setting stored on the device and used when it restarts, or "after a trial". */
	applies: Applies;
}

export interface RangeControl extends Described {
	kind: "number" | "integer";
	min: number;
	max: number;
	/** The step a slider moves by. */
	step?: number;
	/** For an integer control whose values are names (white balance): the name of min, min + 1, … max. */
	names?: string[];
}

export interface ChoiceControl extends Described {
	kind: "choice";
	choices: string[];
}

export interface TextControl extends Described {
	kind: "text";
	/** The longest value, in characters. */
	maxLength: number;
	/** A secret (a Wi-Fi password): never shown back, and only sent over a session with TLS. */
	secret?: boolean;
}

export type ControlDescription = RangeControl | ChoiceControl | TextControl;

/** Limits on a capabilities message, so a receiver never stores an unbounded description. */
export const MAX_CONTROLS = 32;
const MAX_CHOICES = 64;
const MAX_LABEL = 64;
const MAX_TEXT = 253; // a host name's longest
const KEY_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,31}$/;
const CHOICE_PATTERN = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * The value `control` takes for `value`, or undefined when it does not allow it. A choice matches
 * whatever its case ("vga" is "VGA") and comes back spelt as the description spells it.
 */
export function settle(control: ControlDescription, value: unknown): ControlValue | undefined {
	if (control.kind === "choice") {
		if (typeof value !== "string") return undefined;
		const wanted = value.toUpperCase();
		for (const choice of control.choices) if (choice.toUpperCase() === wanted) return choice;
		return undefined;
	}
	if (control.kind === "text") return typeof value === "string" && value.length <= control.maxLength ? value : undefined;
	if (typeof value !== "number" || !(value >= control.min && value <= control.max)) return undefined;
	return control.kind === "number" || Math.floor(value) === value ? value : undefined;
}

/** What `control` allows, to complete "must be …". */
export function rule(control: ControlDescription): string {
	if (control.kind === "choice") return "one of " + control.choices.join(", ");
	if (control.kind === "text") return "text of at most " + control.maxLength + " characters";
	return (control.kind === "integer" ? "an integer" : "a number") + " from " + control.min + " to " + control.max;
}

function text(name: string, value: unknown, pattern: RegExp | undefined, max: number): string {
	if (typeof value !== "string" || value.length === 0 || value.length > max || (pattern && !pattern.test(value)))
		throw bad("capabilities", name + " must be " + (pattern ? "a name" : "text") + " of 1 to " + max + " characters");
	return value;
}

function finite(name: string, value: unknown): number {
	if (typeof value !== "number" || !isFinite(value)) throw bad("capabilities", name + " must be a number");
	return value;
}

function names(name: string, value: unknown, count: number, pattern: RegExp | undefined, max: number): string[] {
	if (!Array.isArray(value) || value.length === 0 || value.length > count) throw bad("capabilities", name + " must list 1 to " + count + " names");
	return value.map((item, i) => text(name + "[" + i + "]", item, pattern, max));
}

function readControl(value: unknown, at: number): ControlDescription {
	const where = "controls[" + at + "]";
	if (!isObject(value)) throw bad("capabilities", where + " must be an object");
	const key = text(where + ".key", value.key, KEY_PATTERN, 32);
	const label = text(where + ".label", value.label, undefined, MAX_LABEL);
	const applies = value.applies;
	if (applies !== "now" && applies !== "next start" && applies !== "after a trial")
		throw bad("capabilities", where + ".applies must be \"now\", \"next start\" or \"after a trial\"");
	if (value.kind === "choice") return { key, label, kind: "choice", choices: names(where + ".choices", value.choices, MAX_CHOICES, CHOICE_PATTERN, 32), applies };
	if (value.kind === "text") {
		const maxLength = finite(where + ".maxLength", value.maxLength);
		if (!(maxLength >= 1 && maxLength <= MAX_TEXT && Math.floor(maxLength) === maxLength)) throw bad("capabilities", where + ".maxLength must be an integer 1.." + MAX_TEXT);
		if (value.secret !== undefined && typeof value.secret !== "boolean") throw bad("capabilities", where + ".secret must be true or false");
		return value.secret ? { key, label, kind: "text", maxLength, secret: true, applies } : { key, label, kind: "text", maxLength, applies };
	}
	if (value.kind !== "number" && value.kind !== "integer") throw bad("capabilities", where + ".kind must be number, integer, choice or text");
	const min = finite(where + ".min", value.min);
	const max = finite(where + ".max", value.max);
	if (min > max) throw bad("capabilities", where + ": min is above max");
	const control: RangeControl = { key, label, kind: value.kind, min, max, applies };
	if (value.step !== undefined) {
		control.step = finite(where + ".step", value.step);
		if (!(control.step > 0)) throw bad("capabilities", where + ".step must be above 0");
	}
	if (value.names !== undefined) {
		const count = max - min + 1;
		if (value.kind !== "integer" || count > MAX_CHOICES) throw bad("capabilities", where + ".names need an integer range of at most " + MAX_CHOICES);
		control.names = names(where + ".names", value.names, count, undefined, MAX_LABEL);
		if (control.names.length !== count) throw bad("capabilities", where + ".names must name each value from min to max");
	}
	return control;
}

/** The controls of a capabilities message, checked field by field; XSCAM_ERR_BAD_BODY names what is wrong. */
export function readControls(value: unknown): ControlDescription[] {
	if (!Array.isArray(value) || value.length > MAX_CONTROLS) throw bad("capabilities", "controls must be a list of at most " + MAX_CONTROLS);
	const controls = value.map(readControl);
	const keys: { [key: string]: boolean } = Object.create(null);
	for (const control of controls) {
		if (keys[control.key]) throw bad("capabilities", "control " + control.key + " is described twice");
		keys[control.key] = true;
	}
	return controls;
}
