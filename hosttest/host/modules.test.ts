// mc/config, net, instrumentation and the ECMA-419 Wi-Fi on the host, against reference/moddable-sdk.md
// §9 items 15, 17, 20, 21.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { installBoard } from "./board";
import { joinedBoard } from "./joined-board";
import Instrumentation from "./instrumentation";
import { createNodeBoard } from "./node-board";
import Net from "./net";
import WiFi from "./wifi";

describe("host mc/config", () => {
	it("is deep-frozen, with command-line values as strings that replace manifest values wholesale", async () => {
		vi.resetModules(); // mc/config is read when first imported, like the generated module
		const { installBoard: install } = await import("./board");
		install(createNodeBoard({
			config: { manifest: { port: 8700, nested: { deep: [1] }, ssid: "home" }, commandLine: { port: "9000" } },
			trace: () => {},
		}));
		const { default: config } = await import("./mc-config");
		expect(config).toEqual({ port: "9000", nested: { deep: [1] }, ssid: "home" });
		expect(Object.isFrozen(config)).toBe(true);
		expect(Object.isFrozen((config.nested as { deep: number[] }).deep)).toBe(true);
	});

	it("refuses a command-line value that is not a string: mcconfig cannot make one", async () => {
		vi.resetModules();
		const { installBoard: install } = await import("./board");
		install(createNodeBoard({ config: { manifest: {}, commandLine: { port: 9000 as never } }, trace: () => {} }));
		await expect(import("./mc-config")).rejects.toThrow("must be a string");
	});
});

describe("host net and instrumentation", () => {
	it("answers undefined while offline, except the MAC, which Net gives in upper case", async () => {
		const board = await joinedBoard();
		expect(Net.get("IP")).toBe("192.168.4.2");
		expect(Net.get("SSID")).toBe("lab");
		board.radio.disconnect();
		expect(Net.get("IP")).toBeUndefined();
		expect(Net.get("RSSI")).toBeUndefined();
		expect(Net.get("MAC")).toBe("24:0A:C4:12:34:56");
	});

	it("resolves later, never inside the call, with this = globalThis", async () => {
		await joinedBoard();
		let answer: unknown[] | undefined;
		Net.resolve("localhost", function (this: unknown, name, address) { answer = [this, name, address]; });
		expect(answer).toBeUndefined();
		await vi.waitFor(() => expect(answer).toEqual([globalThis, "localhost", "127.0.0.1"]));
	});

	it("maps names to indexes, and is all undefined in a release build", async () => {
		await joinedBoard({ freeMemory: 123_456 });
		expect(Instrumentation.get(Instrumentation.map("System Free Memory"))).toBe(123_456);
		await joinedBoard();
		expect(Instrumentation.map("System Free Memory")).toBeUndefined();
		expect(Instrumentation.get(0)).toBeUndefined();
	});
});

describe("host ECMA-419 Wi-Fi", () => {
	beforeEach(() => {
		vi.useFakeTimers();
		installBoard(createNodeBoard({
			config: { manifest: {}, commandLine: {} },
			accessPoints: [{ ssid: "home", password: "correct horse", rssi: -55 }],
			radio: { associateDelay: 100, dhcpDelay: 100, handshakeTimeout: 500 },
			trace: () => {},
		}));
	});

	afterEach(() => {
		vi.useRealTimers();
	});

	it("goes 300 (no event), 400, 500 with events, then gives its getters; MAC in lower case", async () => {
		const seen: [string, number][] = [];
		const wifi = new WiFi({ onChanged(what) { seen.push([what, this.connection]); } });
		expect(wifi.RSSI).toBeUndefined();
		wifi.connect({ SSID: "home", password: "correct horse" });
		expect(wifi.connection).toBe(300);
		await vi.advanceTimersByTimeAsync(200);
		expect(seen).toEqual([["connection", 400], ["connection", 500], ["address", 500]]);
		expect([wifi.address, wifi.SSID, wifi.RSSI, wifi.MAC]).toEqual(["192.168.4.2", "home", -55, "24:0a:c4:12:34:56"]);
	});

	it("falls back to 200 on a wrong password, with no reason and no retry", async () => {
		const seen: number[] = [];
		const wifi = new WiFi({ onChanged() { seen.push(this.connection); } });
		wifi.connect({ SSID: "home", password: "wrong" });
		await vi.advanceTimersByTimeAsync(10_000);
		expect(seen).toEqual([200]);
	});

	it("refuses a second connect while connecting, an empty SSID and a bad channel", () => {
		const wifi = new WiFi();
		expect(() => wifi.connect({ SSID: "" })).toThrow("SSID required");
		expect(() => wifi.connect({ SSID: "home", channel: 14 })).toThrow(RangeError);
		wifi.connect({ SSID: "home", password: "correct horse" });
		expect(() => wifi.connect({ SSID: "home" })).toThrow("already connecting");
	});

	it("stops calling back after close(), without taking the link down, and then throws SyntaxError", async () => {
		let calls = 0;
		const wifi = new WiFi({ onChanged() { calls++; } });
		wifi.connect({ SSID: "home", password: "correct horse" });
		wifi.close();
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toBe(0);
		expect(new WiFi().connection).toBe(500); // a new instance picks up the link
		expect(() => wifi.connection).toThrow(SyntaxError);
	});
});
