// A camera's settings (the controls it announced, src/protocol/controls.ts) as Home Assistant entities,
// both ways: which platform shows each one and with what limits, how a known value appears in the state
// that entity reads, and what value a command payload asks for. The mapping, by the description's kind:
//   integer 0..1 without names  -> switch, payloads "1" and "0"
//   integer with names          -> select of the names (white balance: auto, sunny, ...), sent as min + index
//   integer or number range     -> number with min, max and step
//   choice                      -> select of the choices (frame size)
//   choice of one value         -> button that sends it (restart: "now"); it has no state
// Home Assistant's number requires max above min; a range of one value leaves nothing to set and is
// not announced.

import type { ControlDescription, ControlValue } from "../../src/protocol/types";

export type SettingComponent = "number" | "select" | "switch" | "button";

export interface SettingEntity {
	component: SettingComponent;
	/** The platform's own config fields (number.mqtt, select.mqtt, switch.mqtt in Home Assistant's documentation). */
	fields: { [field: string]: unknown };
}

/** Home Assistant's number takes no step below this (number.mqtt: "Smallest value 0.001"). */
export const MIN_STEP = 0.001;

const isSwitch = (control: ControlDescription) => control.kind === "integer" && control.min === 0 && control.max === 1 && control.names === undefined;

/** A setting that moves the camera to another network (docs/protocol.md, "Moving a camera"): the receiver's page has it, not Home Assistant. */
export const isMove = (control: ControlDescription) => control.applies === "after a trial";

/** A setting with one value is an action: pressing its button sends that value. */
export const isButton = (control: ControlDescription) => control.kind === "choice" && control.choices.length === 1;

/** The entity that shows `control`, or undefined when there is nothing to set. */
export function settingEntity(control: ControlDescription): SettingEntity | undefined {
	if (isMove(control) || control.kind === "text") return undefined;
	if (isButton(control)) return { component: "button", fields: { payload_press: (control as { choices: string[] }).choices[0], ...(control.key === "restart" && { device_class: "restart" }) } };
	if (control.kind === "choice") return { component: "select", fields: { options: control.choices } };
	if (control.names !== undefined) return { component: "select", fields: { options: control.names } };
	if (isSwitch(control)) return { component: "switch", fields: { payload_on: "1", payload_off: "0" } };
	if (!(control.max > control.min)) return undefined;
	const step = control.step ?? (control.kind === "integer" ? 1 : MIN_STEP);
	return { component: "number", fields: { min: control.min, max: control.max, step: Math.max(step, MIN_STEP) } };
}

/** How a value the camera has appears in the state its entity reads; null: not known (Home Assistant shows "unknown"). */
export function entityValue(control: ControlDescription, value: ControlValue | undefined): ControlValue | null {
	if (value === undefined) return null;
	if (control.kind === "integer" && control.names !== undefined && typeof value === "number") return control.names[value - control.min] ?? null;
	return value;
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?(e[-+]?[0-9]+)?$/i;

/**
 * The value a command payload asks `control` for, to be checked like a body of POST .../control (a
 * payload it does not take is passed on as text, and refused there with what it allows). Without a
 * description (an unknown key, a camera that announced nothing) a number stays a number.
 */
export function commandValue(control: ControlDescription | undefined, payload: string): ControlValue {
	if (control?.kind === "choice") return payload;
	if (control?.kind === "integer" && control.names !== undefined) {
		const at = control.names.indexOf(payload);
		return at < 0 ? payload : control.min + at;
	}
	return NUMBER.test(payload) ? Number(payload) : payload;
}
