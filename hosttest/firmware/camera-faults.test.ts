// The camera's faults, on a fake clock: it fails to start (camera.c's "camera init failed"), or stops
// giving frames. The device restarts, after a growing wait for a camera that did not start, and at
// most MAX_CAMERA_RESTARTS times in a row: a board whose camera fails at every start stays up, not in
// a restart loop. The first frame after a start clears the count.

import { afterEach, beforeEach, expect, it, vi } from "vitest";
import type { Device } from "../../src/app/device";
import { CAMERA_STALL_MS, MAX_CAMERA_RESTARTS } from "../../src/camera/camera-watchdog";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";

let device: Device | undefined;
let restarts: number;
let trace: string[];
const faults = { failsInit: false, stalled: false };
const board = () => deviceBoard({ port: 8700, sensorFps: 5, frameRate: 5, cameraFaults: faults, trace: (text) => trace.push(text), onRestart: () => restarts++ });
const count = (board: ReturnType<typeof deviceBoard>) => board.preferences.get("xscamCamera")?.get("restarts");

beforeEach(() => {
	vi.useFakeTimers();
	restarts = 0;
	trace = [];
	faults.failsInit = faults.stalled = false;
});

afterEach(() => {
	device?.close();
	device = undefined;
	vi.useRealTimers();
});

it("a camera that fails to start: restarts after 5, 10 and 20 s, then stays up without one; a start with a camera clears the count", async () => {
	faults.failsInit = true;
	const camera = board();
	for (const [n, wait] of [[1, 5], [2, 10], [3, 20]]) {
		expect(await boot(camera)).toBeUndefined();
		expect(trace).toContain("xscam: camera: camera init failed; restarting in " + wait + " s (" + n + " of " + MAX_CAMERA_RESTARTS + ")\n");
		expect(trace).toContain("xscam: camera init failed\n"); // main()'s one line, as before
		await vi.advanceTimersByTimeAsync(wait * 1000 - 100);
		expect(restarts).toBe(n - 1); // not before its wait
		await vi.advanceTimersByTimeAsync(1000);
		expect(restarts).toBe(n);
		expect(count(camera)).toBe(n);
		trace = [];
	}
	expect(await boot(camera)).toBeUndefined();
	expect(trace).toContain("xscam: camera: camera init failed; not restarting again after 3 restarts in a row for it (power the board off and on)\n");
	await vi.advanceTimersByTimeAsync(3_600_000);
	expect(restarts).toBe(MAX_CAMERA_RESTARTS); // an hour later: no loop

	faults.failsInit = false; // powered off and on: the camera starts
	device = await boot(camera);
	await vi.advanceTimersByTimeAsync(CAMERA_STALL_MS + 100);
	expect(count(camera)).toBeUndefined();
});

it("a camera that stops giving frames: the device restarts within two stall periods, and not while frames come", async () => {
	const camera = board();
	device = await boot(camera);
	await vi.advanceTimersByTimeAsync(5 * CAMERA_STALL_MS);
	expect(restarts).toBe(0);
	faults.stalled = true;
	await vi.advanceTimersByTimeAsync(2 * CAMERA_STALL_MS + 600); // the check that finds it, and the restart's 500 ms
	expect(restarts).toBe(1);
	expect(trace).toContain("xscam: restarting: the camera: no frame for 10 s\n");
	expect(count(camera)).toBe(1);
	await vi.advanceTimersByTimeAsync(10 * CAMERA_STALL_MS);
	expect(restarts).toBe(1); // once: the watchdog stopped

	device!.close();
	faults.stalled = false;
	device = await boot(camera); // the restart: frames again
	await vi.advanceTimersByTimeAsync(CAMERA_STALL_MS + 100);
	expect(count(camera)).toBeUndefined();
	expect(restarts).toBe(1);
});
