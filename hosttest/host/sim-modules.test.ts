// The modules the SDK's lin simulator runs in place of the board's (modules/sim/): the camera that
// cycles its JPEG resources, the Wi-Fi that joins the host's network, and the PWM that traces its duty. Here on the Node host, with
// the same strictness checks as every other camera host (the pool, the closes).

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import LinCamera from "../../modules/sim/camera/camera";
import { FRAME_COUNT } from "../../modules/sim/camera/frame-names";
import LinPWM from "../../modules/sim/pwm/pwm";
import LinWiFi from "../../modules/sim/wifi/wifi";
import { installBoard } from "./board";
import { joinedBoard } from "./joined-board";
import { createNodeBoard } from "./node-board";

beforeEach(async () => {
	await joinedBoard();
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe("the lin simulator's camera", () => {
	it("cycles through its distinct JPEG resources at 320x240, whatever size was asked", async () => {
		const seen: Uint8Array[] = [];
		const camera = new LinCamera({
			width: 640, height: 480, imageType: "jpeg", format: "buffer/disposable",
			onReadable() {
				const frame = this.read() as DisposableFrame | undefined;
				if (!frame) return;
				seen.push(new Uint8Array(frame).slice());
				frame.close();
			},
		});
		expect([camera.width, camera.height]).toEqual([320, 240]);
		camera.start();
		await vi.advanceTimersByTimeAsync(1000 * (2 * FRAME_COUNT + 1) / 25);
		camera.close();
		expect(seen.length).toBeGreaterThanOrEqual(2 * FRAME_COUNT);
		for (const jpeg of seen) expect([jpeg[0], jpeg[1], jpeg[jpeg.length - 2], jpeg[jpeg.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
		const distinct = new Set(seen.map((jpeg) => Buffer.from(jpeg).toString("base64")));
		expect(distinct.size).toBe(FRAME_COUNT);
		expect(Buffer.from(seen[FRAME_COUNT])).toEqual(Buffer.from(seen[0])); // then it starts over
	});

	it("keeps the SDK camera's pool of three: unclosed frames stall it", async () => {
		let calls = 0;
		const camera = new LinCamera({ imageType: "jpeg", format: "buffer/disposable", onReadable() { calls++; } });
		camera.start();
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toBe(2); // the constructor's frame plus two: three held, then nothing
		camera.close();
	});
});

describe("the lin simulator's Wi-Fi", () => {
	it("joins the host's network with the ESP32's sequence: 300 silently, then 400 and 500 with events", async () => {
		const events: [string, number][] = [];
		const wifi = new LinWiFi({ onChanged(what) { events.push([what, this.connection]); } });
		wifi.connect({ SSID: "host network" });
		expect(wifi.connection).toBe(300);
		expect(() => wifi.connect({ SSID: "again" })).toThrow("already connecting");
		await vi.advanceTimersByTimeAsync(200);
		expect(events).toEqual([["connection", 400], ["connection", 500], ["address", 500]]);
		expect(wifi.address).toBe("192.168.4.2"); // Net.get("IP") of the host
		wifi.disconnect();
		wifi.close();
	});

	it("refuses a connect without an SSID", () => {
		expect(() => new LinWiFi().connect({ SSID: "" })).toThrow("SSID required");
	});
});

describe("the lin simulator's PWM", () => {
	it("traces each duty it drives, and holds the SDK's rules", () => {
		const lines: string[] = [];
		installBoard(createNodeBoard({ config: { manifest: {}, commandLine: {} }, trace: (text) => lines.push(text) }));
		const pwm = new LinPWM({ pin: 4, hz: 20_000 });
		pwm.write(255);
		expect(() => pwm.write(1024)).toThrow(new RangeError("invalid value"));
		pwm.close();
		expect(() => pwm.write(0)).toThrow(SyntaxError);
		expect(lines).toEqual(["pwm: GPIO 4 at 0/1023\n", "pwm: GPIO 4 at 255/1023\n", "pwm: GPIO 4 at 0/1023\n"]);
	});
});
