// A control request between receivers: the settings as JSON to the holder, and back its camera's
// checked answer or the coded error it met, which the asking receiver raises as its own (same code,
// same HTTP status), so a viewer's request fails alike on every receiver.

import type { ControlResult, ControlSettings } from "../../src/protocol/types";
import { isXscamError, type XscamError } from "../errors";

type Answer = { result: ControlResult } | { error: { code: string; message: string; statusCode: number } };

const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const parse = (data: Uint8Array): unknown => JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));

export const controlRequest = (settings: ControlSettings): Uint8Array => json({ settings });

/** The settings of a request; throws a RangeError for anything but an object of numbers and strings. */
export function readControlRequest(data: Uint8Array): ControlSettings {
	const { settings } = (parse(data) ?? {}) as { settings?: unknown };
	if (typeof settings !== "object" || settings === null || Array.isArray(settings)) throw new RangeError("a control request needs its settings, an object");
	for (const value of Object.values(settings)) if (typeof value !== "number" && typeof value !== "string") throw new RangeError("a setting must be a number or a string");
	return Object.assign(Object.create(null), settings) as ControlSettings;
}

export function controlAnswer(outcome: ControlResult | Error): Uint8Array {
	if (!(outcome instanceof Error)) return json({ result: outcome });
	const { code, statusCode } = isXscamError(outcome) ? outcome : { code: "internal", statusCode: 500 };
	return json({ error: { code, message: outcome.message, statusCode } });
}

/** The holder's answer: its camera's result, or its error raised here; throws a RangeError for a malformed answer. */
export function readControlAnswer(data: Uint8Array): ControlResult {
	const answer = parse(data) as Answer | null;
	if (answer !== null && "result" in answer && typeof answer.result === "object" && answer.result !== null) return answer.result;
	if (answer !== null && "error" in answer && typeof answer.error?.message === "string") {
		const { code, message, statusCode } = answer.error;
		throw Object.assign(new Error(message), { code, statusCode }) as XscamError;
	}
	throw new RangeError("a control answer needs a result or an error");
}
