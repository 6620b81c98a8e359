// The host preferences hold the ESP32's NVS rules (reference/moddable-sdk.md §6.2 and §9 item 14), which
// the lin simulator does not check: a mock as lax as lin would let firmware through that fails on a board.

import { beforeEach, describe, expect, it } from "vitest";
import { joinedBoard } from "./joined-board";
import Preference from "./preference";

beforeEach(async () => {
	await joinedBoard();
});

describe("host preference", () => {
	it("round-trips booleans, integers, strings and ArrayBuffers", () => {
		Preference.set("xscam", "flag", true);
		Preference.set("xscam", "count", -42);
		Preference.set("xscam", "name", "VGA");
		Preference.set("xscam", "blob", Uint8Array.of(1, 2, 3).buffer);
		expect(Preference.get("xscam", "flag")).toBe(true);
		expect(Preference.get("xscam", "count")).toBe(-42);
		expect(Preference.get("xscam", "name")).toBe("VGA");
		expect(new Uint8Array(Preference.get("xscam", "blob") as ArrayBuffer)).toEqual(Uint8Array.of(1, 2, 3));
		expect(Preference.keys("xscam").sort()).toEqual(["blob", "count", "flag", "name"]);
	});

	it("rejects floats, typed arrays, and names longer than 15 characters", () => {
		expect(() => Preference.set("xscam", "rate", 2.5)).toThrow("float unsupported");
		expect(() => Preference.set("xscam", "blob", Uint8Array.of(1) as never)).toThrow("unsupported type");
		expect(() => Preference.set("xscam", "sixteen-chars-xx", 1)).toThrow("nvs set fail");
		expect(() => Preference.set("sixteen-chars-xx", "key", 1)).toThrow("nvs_open fail");
		expect(() => Preference.set("xscam", "big", new ArrayBuffer(4001))).toThrow("nvs set fail");
	});

	it("answers undefined for a missing domain or key, and deleting them is harmless", () => {
		expect(Preference.get("nothing", "here")).toBeUndefined();
		expect(() => Preference.delete("nothing", "here")).not.toThrow();
	});
});
