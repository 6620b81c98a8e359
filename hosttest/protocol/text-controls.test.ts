// The text kind and "after a trial" of src/protocol/controls.ts (docs/protocol.md, "Moving a camera"):
// what a capabilities message may describe, and the one rule both sides apply to a value.
import { describe, expect, it } from "vitest";
import { MOVE_CONTROLS } from "../../src/app/network-move";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { readControls, rule, settle, type TextControl } from "../../src/protocol/controls";
import type { DeviceMessage } from "../../src/protocol/types";

const text = (extra: object) => [{ key: "server", label: "receiver address", kind: "text", applies: "after a trial", ...extra }];

describe("text controls", () => {
	it("survive a capabilities message, the secret flag included", () => {
		const decoded: DeviceMessage[] = [];
		new Decoder<DeviceMessage>({ from: "device", maxBodyBytes: 4096, onMessage: (message) => decoded.push(message) })
			.push(encode({ type: "capabilities", controls: MOVE_CONTROLS }));
		expect(decoded).toEqual([{ type: "capabilities", controls: MOVE_CONTROLS }]);
		expect(readControls(text({ maxLength: 64, secret: true }))).toEqual(text({ maxLength: 64, secret: true }));
	});

	it.each([
		["no maxLength", {}, "maxLength must be a number"],
		["a maxLength of 0", { maxLength: 0 }, "maxLength must be an integer 1..253"],
		["a maxLength past a host name's", { maxLength: 254 }, "maxLength must be an integer 1..253"],
		["a secret that is not a boolean", { maxLength: 8, secret: "yes" }, "secret must be true or false"],
	])("refuses one with %s, naming the field", (_name, extra, problem) => {
		expect(() => readControls(text(extra))).toThrow(expect.objectContaining({ code: "XSCAM_ERR_BAD_BODY", message: expect.stringContaining(problem) }));
	});

	it("refuses an applies it does not know", () => {
		expect(() => readControls([{ key: "a", label: "a", kind: "choice", choices: ["x"], applies: "later" }]))
			.toThrow(expect.objectContaining({ code: "XSCAM_ERR_BAD_BODY", message: expect.stringContaining("\"after a trial\"") }));
	});

	it("allows a string up to maxLength, and nothing else", () => {
		const control: TextControl = { key: "ssid", label: "Wi-Fi network", kind: "text", maxLength: 4, applies: "after a trial" };
		expect(settle(control, "home")).toBe("home");
		expect(settle(control, "")).toBe("");
		expect(settle(control, "homes")).toBeUndefined();
		expect(settle(control, 1234)).toBeUndefined();
		expect(rule(control)).toBe("text of at most 4 characters");
	});
});
