// The first start of an updated firmware is a trial (src/update/update-trial.ts), on a board whose OTA
// slots follow the IDF bootloader's rules (hosttest/host/firmware-slots.ts): welcomed in time, the new
// firmware confirms its slot and stays; not welcomed within TRIAL_MS, it gives the device back to the
// previous one; and the previous one, running again, says why.

import { beforeEach, expect, it, vi } from "vitest";
import { TRIAL_MS, UpdateTrial } from "../../src/update/update-trial";
import { flashedSlots, install, markInvalid, reset, type FirmwareSlots } from "../host/firmware-slots";
import { createNodeBoard } from "../host/node-board";
import { installBoard, type Board } from "../host/board";
import Preference from "../host/preference";
import Timer from "../host/timer";
import Boot from "../host/xscam-boot";

let board: Board;
let slots: FirmwareSlots;
let restarts: number;
let lines: string[];

beforeEach(() => {
	vi.useFakeTimers();
	restarts = 0;
	lines = [];
	slots = flashedSlots();
	board = createNodeBoard({ config: { manifest: {}, commandLine: {} }, firmware: slots, onRestart: () => restarts++, trace: () => {} });
	installBoard(board);
	// version A is running; B was verified, set to boot, and the device restarted into it
	install(slots, new Uint8Array([0xe9, 1, 2, 3]));
	UpdateTrial.begin(Preference, "B");
	reset(slots);
	return () => vi.useRealTimers();
});

const trial = (running: string) => new UpdateTrial({ Preference, Timer, Boot }, running, (line) => lines.push(line));

it("stays once a receiver welcomes it: the slot is confirmed and the trial forgotten", () => {
	const started = trial("B");
	expect(slots.slots[1].state).toBe("pending");
	vi.advanceTimersByTime(TRIAL_MS - 1000);
	started.welcomed();
	vi.advanceTimersByTime(TRIAL_MS);
	expect(restarts).toBe(0);
	expect(slots.slots[1].state).toBe("valid");
	expect(Preference.get("xscam", "updatedTo")).toBeUndefined();
	expect(lines.at(-1)).toBe("firmware confirmed: it reached the receiver");
	reset(slots);
	expect(slots.running).toBe(1); // and it boots again after any later reset
});

it("goes back to the previous firmware when it is not welcomed within the trial", () => {
	trial("B");
	vi.advanceTimersByTime(TRIAL_MS - 1);
	expect(restarts).toBe(0);
	vi.advanceTimersByTime(1);
	expect(restarts).toBe(1);
	expect(lines.at(-1)).toMatch(/^firmware B was not welcomed within 10 min: going back to the previous one$/);
	expect(reset(slots).image).toBeUndefined(); // the firmware it was flashed with
	expect(slots.running).toBe(0);
	expect(Preference.get("xscam", "updatedTo")).toBeUndefined();
});

it("is rolled back by the bootloader if the device resets before it was welcomed, and the old firmware says so", () => {
	trial("B"); // then the power goes, before any welcome
	vi.clearAllTimers();
	expect(reset(slots).image).toBeUndefined(); // pending, never confirmed: the bootloader boots A
	trial("A");
	expect(lines.at(-1)).toBe("the update to B did not take: running A again");
	expect(Preference.get("xscam", "updatedTo")).toBeUndefined();
});

it("keeps running when there is no previous firmware to go back to", () => {
	slots.slots[0].state = "aborted";
	expect(markInvalid(slots)).toBe(false);
	trial("B");
	vi.advanceTimersByTime(TRIAL_MS);
	expect(restarts).toBe(0);
	expect(lines.at(-1)).toBe("no previous firmware to go back to: keeping B");
});
