// The flash LED's limits (src/camera/flash-led.ts), on the host's PWM, whose board records every duty
// with its time: the duty never above the cap, never on for longer than the time cap at a stretch, off
// while nobody watches in "watching" mode. Then the firmware booted on a board with the LED and on one
// without: what each announces, and what a control does to the pin.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Device } from "../../src/app/device";
import { FlashLed, MAX_DUTY_PERCENT, MAX_ON_MS } from "../../src/camera/flash-led";
import type { Capabilities, ControlSettings } from "../../src/protocol/types";
import type { Board, PwmDuty } from "../host/board";
import { createNodeBoard } from "../host/node-board";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

const PIN = 4;

/** The pin's duty (0 … 1) at the board's time `at`, from its record. */
function dutyAt(record: PwmDuty[], at: number): number {
	let duty = 0;
	for (const entry of record) if (entry.pin === PIN && entry.at <= at) duty = entry.value / entry.max;
	return duty;
}

const lit = (board: Board) => dutyAt(board.pwm!, Date.now()) > 0;

describe("the flash LED's limits", () => {
	let board: Board;
	let led: FlashLed;

	beforeEach(async () => {
		vi.useFakeTimers({ now: 1_000_000 });
		vi.resetModules(); // a restarted device: its pins are free
		const { installBoard } = await import("../host/board");
		board = createNodeBoard({ config: { manifest: {}, commandLine: {} }, trace: () => {} });
		installBoard(board);
		const [{ default: PWM }, { default: Timer }] = await Promise.all([import("../host/pwm"), import("../host/timer")]);
		led = new FlashLed({ PWM, Timer, pin: PIN });
	});

	afterEach(() => {
		led.close();
		vi.useRealTimers();
	});

	it("starts off, and lights at the brightness asked, as a share of the PWM's range", () => {
		expect(board.pwm).toEqual([{ pin: PIN, at: 1_000_000, value: 0, max: 1023 }]);
		expect(led.apply("flashBrightness", 20)).toEqual({ applied: 20 });
		expect(lit(board)).toBe(false); // a brightness alone does not light it
		expect(led.apply("flash", "on")).toEqual({ applied: "on" });
		expect(board.pwm!.at(-1)).toMatchObject({ value: Math.floor(1023 * 0.2), max: 1023 });
		expect(led.apply("flash", "OFF")).toEqual({ applied: "off" }); // a choice matches whatever its case
		expect(lit(board)).toBe(false);
	});

	it("never drives a duty above the cap, and says why it refuses one", () => {
		led.apply("flash", "on");
		expect(led.apply("flashBrightness", MAX_DUTY_PERCENT)).toEqual({ applied: MAX_DUTY_PERCENT });
		for (const asked of [MAX_DUTY_PERCENT + 1, 100]) {
			expect(led.apply("flashBrightness", asked)).toEqual({
				refused: "must be an integer from 1 to " + MAX_DUTY_PERCENT + ": above that the LED overheats",
			});
		}
		expect(led.apply("flashBrightness", 0)).toEqual({ refused: "must be an integer from 1 to " + MAX_DUTY_PERCENT });
		expect(led.apply("flashBrightness", "25")).toEqual({ refused: "must be an integer from 1 to " + MAX_DUTY_PERCENT });
		const highest = Math.max(...board.pwm!.map((entry) => entry.value / entry.max));
		expect(highest).toBeGreaterThan(0);
		expect(highest).toBeLessThanOrEqual(MAX_DUTY_PERCENT / 100);
	});

	it("goes off after the time cap, stays off, and lights again when set again", async () => {
		led.apply("flash", "on");
		const since = Date.now();
		await vi.advanceTimersByTimeAsync(MAX_ON_MS / 2);
		led.apply("flashBrightness", 15); // a new brightness while on does not restart the stretch
		await vi.advanceTimersByTimeAsync(MAX_ON_MS / 2 - 1);
		expect(lit(board)).toBe(true);
		await vi.advanceTimersByTimeAsync(1);
		expect(lit(board)).toBe(false);
		expect(board.pwm!.at(-1)).toMatchObject({ at: since + MAX_ON_MS, value: 0 });
		await vi.advanceTimersByTimeAsync(10 * MAX_ON_MS);
		expect(lit(board)).toBe(false);

		expect(led.apply("flash", "on")).toEqual({ applied: "on" });
		expect(lit(board)).toBe(true);
		await vi.advanceTimersByTimeAsync(MAX_ON_MS);
		expect(lit(board)).toBe(false);
	});

	it("in watching mode, is on only while someone watches, and for the time cap at most", async () => {
		led.apply("flash", "watching");
		expect(lit(board)).toBe(false);
		expect(led.apply("watched", 1)).toEqual({ applied: 1 });
		expect(lit(board)).toBe(true);
		expect(led.apply("watched", 0)).toEqual({ applied: 0 });
		expect(lit(board)).toBe(false);

		led.apply("watched", 1);
		await vi.advanceTimersByTimeAsync(MAX_ON_MS);
		expect(lit(board)).toBe(false); // watched all along, but on for the time cap
		led.apply("watched", 1); // the same watchers, said again (after a new welcome): still off
		expect(lit(board)).toBe(false);
		led.apply("watched", 0);
		led.apply("watched", 1); // watching starts again
		expect(lit(board)).toBe(true);
	});

	it("goes off when nobody watches, and refuses a watched that is not 0 or 1", () => {
		led.apply("flash", "watching");
		led.watch(true);
		expect(lit(board)).toBe(true);
		led.watch(false); // the camera lost its receiver
		expect(lit(board)).toBe(false);
		expect(led.apply("watched", 2)).toEqual({ refused: "must be 1 (someone watches) or 0 (nobody does)" });
		expect(led.apply("watched", "yes")).toEqual({ refused: "must be 1 (someone watches) or 0 (nobody does)" });
	});
});

describe("the firmware with and without a flash LED", () => {
	let device: Device | undefined;
	let receiver: TestReceiver;

	beforeEach(async () => {
		receiver = new TestReceiver();
		await receiver.listen();
	});

	afterEach(async () => {
		device?.close();
		device = undefined;
		await receiver.close();
	});

	const control = (requestId: number, settings: ControlSettings) => receiver.control(1, requestId, settings);

	const announced = () => receiver.messages.find((message): message is Capabilities => message.type === "capabilities")!.controls.map((control) => control.key);

	it("announces the LED on a board whose config names its pin, and drives the pin as told", async () => {
		const board = deviceBoard({ port: receiver.port, manifest: { flashLed: "4" } }); // as mcconfig's command line gives it
		device = await boot(board);
		await receiver.until(() => receiver.frames.length >= 1);
		expect(announced()).toEqual(expect.arrayContaining(["flash", "flashBrightness"]));
		expect(announced()).not.toContain("watched"); // the receiver's to send, nobody's to set
		expect(await control(1, { flash: "on", flashBrightness: 20, watched: 1 })).toMatchObject({
			applied: { flash: "on", flashBrightness: 20, watched: 1 }, refused: {},
		});
		expect(board.pwm!.at(-1)).toMatchObject({ pin: 4, value: Math.floor(1023 * 0.2), max: 1023 });
		expect((await control(2, { flashBrightness: 60 })).refused).toEqual({ flashBrightness: "must be an integer from 1 to 25: above that the LED overheats" });

		await control(3, { flash: "watching" });
		expect(board.pwm!.at(-1)!.value).toBeGreaterThan(0);
		await receiver.close(); // the receiver went away: nobody watches any more
		await vi.waitFor(() => expect(board.pwm!.at(-1)!.value).toBe(0));
	});

	it("announces no LED on a board without one, and refuses its keys", async () => {
		const board = deviceBoard({ port: receiver.port });
		device = await boot(board);
		await receiver.until(() => receiver.frames.length >= 1);
		expect(announced().filter((key) => key.startsWith("flash"))).toEqual([]);
		expect((await control(1, { flash: "on", watched: 1 })).refused).toEqual({ flash: "not a setting of this camera", watched: "not a setting of this camera" });
		expect(board.pwm).toEqual([]); // no PWM was ever opened
	});

	it("stops at start with one line when the board's LED pin is not a GPIO", async () => {
		const lines: string[] = [];
		device = await boot(deviceBoard({ port: receiver.port, manifest: { flashLed: "40" }, trace: (text) => lines.push(text) }));
		expect(device).toBeUndefined();
		expect(lines).toEqual(["xscam: config: flashLed must be the flash LED's GPIO, 0 to 39, or absent on a board without one, got \"40\"\n"]);
	});
});
