// The unchanged firmware streaming through a bad network (hosttest/net/fault-proxy.ts) and to receivers
// that misbehave: delay, loss, a bandwidth cap below the camera's bit rate, a receiver that stops
// draining the camera's writes without closing, one that answers garbage, one that has no address.
// Bounds are counts (frames, connections, attempts), never a speed on the wall clock: the age of a frame
// is how many frames the sensor captured after it, which a slow machine slows down alike.

import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { frameNumberOf } from "../host/marked-jpeg";
import { acknowledgedByProxy } from "../net/acknowledged-network";
import { FaultProxy } from "../net/fault-proxy";
import { boot } from "./boot";
import { deviceBoard, type DeviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: TestReceiver;
let proxy: FaultProxy | undefined;

beforeEach(() => {
	receiver = new TestReceiver();
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await proxy?.close();
	proxy = undefined;
	await receiver.close();
});

/** The sensor's frame rate in these tests; an age bound in frames is this many per second. */
const SENSOR_FPS = 20;

/** The newest frame number the sensor had made when each frame arrived at the receiver, minus its own. */
function watchAges(board: DeviceBoard): number[] {
	const ages: number[] = [];
	let seen = 0;
	const check = () => {
		for (; seen < receiver.frames.length; seen++) ages.push(Math.max(...board.captured.keys()) - frameNumberOf(receiver.frames[seen].jpeg));
		return false;
	};
	void receiver.until(check);
	return ages;
}

async function streamThrough(faults: FaultProxy["faults"], frameBytes: number): Promise<DeviceBoard> {
	proxy = new FaultProxy(await receiver.listen(), faults);
	const board = deviceBoard({
		port: await proxy.listen(), sensorFps: SENSOR_FPS, frameRate: SENSOR_FPS, frameBytes,
		network: (real) => acknowledgedByProxy(real, proxy!), // lwIP's send buffer empties as the receiver acknowledges
	});
	device = await boot(board);
	await receiver.until(() => receiver.messages.length > 0); // the hello: the first connection is there
	receiver.keepAlive(1); // only the faults may end it
	return board;
}

const numbers = () => receiver.frames.map((frame) => frameNumberOf(frame.jpeg));

/** Two seconds of frames: what a viewer would call live behind a slow link. */
const MAX_AGE_FRAMES = 2 * SENSOR_FPS;

it("keeps streaming on one connection through 200 ms of delay and 5% loss, every frame younger than " + MAX_AGE_FRAMES + " frames", async () => {
	const board = await streamThrough({ delayMs: 200, loss: 0.05 }, 4000);
	const ages = watchAges(board);
	await receiver.until(() => receiver.frames.length >= 40);
	expect(proxy!.lost).toBeGreaterThan(0); // the loss happened
	expect(receiver.connections).toBe(1); // and it broke nothing
	expect(device!.session.reconnects).toBe(0);
	expect(numbers()).toEqual([...numbers()].sort((a, b) => a - b));
	expect(Math.max(...ages)).toBeLessThan(MAX_AGE_FRAMES);
}, 30_000);

it("under a bandwidth cap of a quarter of its bit rate supersedes frames rather than queueing them: every frame younger than " + MAX_AGE_FRAMES + " frames", async () => {
	const frameBytes = 20_000; // 400 kB/s at 20 fps
	const board = await streamThrough({ bytesPerSecond: (frameBytes * SENSOR_FPS) / 4 }, frameBytes);
	const ages = watchAges(board);
	await receiver.until(() => receiver.frames.length >= 40);
	// 1. the link carried about one frame in four, and the camera dropped the rest before sending them
	expect(device!.session.dropped).toBeGreaterThan(receiver.frames.length);
	// 2. what did arrive was fresh, not a backlog growing behind the cap
	expect(Math.max(...ages.slice(10))).toBeLessThan(MAX_AGE_FRAMES);
	expect(board.cameraCounts.poolFull).toBe(0);
	expect(receiver.connections).toBe(1);
}, 30_000);

/** The receiver's ping interval in the stall tests: the camera gives up after three silent ones. */
const PING_INTERVAL_MS = 300;

it("replaces a connection whose writes never drain (a receiver stalled without closing) after three silent ping intervals", async () => {
	const lines: string[] = [];
	proxy = new FaultProxy(await receiver.listen());
	receiver.pingInterval = PING_INTERVAL_MS;
	const board = deviceBoard({ port: await proxy.listen(), sensorFps: SENSOR_FPS, frameRate: SENSOR_FPS, frameBytes: 20_000, trace: (text) => lines.push(text) });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 1);
	receiver.keepAlive(1);
	// 1. pinged, the connection outlives many ping intervals: only silence ends it
	await new Promise((resolve) => setTimeout(resolve, 6 * PING_INTERVAL_MS));
	expect(receiver.connections).toBe(1);
	// 2. a blackhole: the connection stays open, nothing moves either way, the camera's writes pile up
	proxy.stall(1);
	// 3. the camera gives up on it and streams on a new one
	await receiver.until(() => receiver.frames.some((frame) => frame.connection === 2));
	expect(lines.filter((line) => line.includes("server silent for 3 ping intervals"))).toHaveLength(1);
	expect(proxy.connections).toBe(2);
	expect(board.cameraCounts.read - board.cameraCounts.closed).toBeLessThanOrEqual(2); // at most one in flight, one waiting
}, 30_000);

it("drops a connection on which the receiver answers garbage, and streams on the next one", async () => {
	const lines: string[] = [];
	device = await boot(deviceBoard({ port: await receiver.listen(), trace: (text) => lines.push(text) }));
	await receiver.until(() => receiver.frames.length >= 3);
	receiver.send(1, new TextEncoder().encode("HTTP/1.1 400 Bad Request\r\n\r\n"));
	await receiver.until(() => receiver.frames.some((frame) => frame.connection === 2));
	expect(lines.filter((line) => line.includes("protocol:"))).toHaveLength(1);
	expect(receiver.connections).toBe(2); // one garbage answer, one new connection
});

/** The session's backoff (session.ts): each wait is drawn from [b/2, b], b doubling from 0.5 s. */
const FIRST_WAITS_S = [[0.25, 0.5], [0.5, 1], [1, 2]];

it.each([
	{ fault: "a receiver whose name does not resolve", server: "no-such-receiver.invalid", reason: "cannot resolve no-such-receiver.invalid" },
	{ fault: "a receiver that refuses the connection", server: "127.0.0.1", reason: "cannot connect" },
])("keeps trying $fault, each wait in its doubling range, and never restarts", async ({ server, reason }) => {
	const lines: string[] = [];
	let restarts = 0;
	const closedPort = await receiver.listen();
	await receiver.close(); // nothing listens there any more: every connection is refused
	device = await boot(deviceBoard({ port: closedPort, manifest: { server }, trace: (text) => lines.push(text), onRestart: () => restarts++ }));
	const waits = () => lines.filter((line) => line.includes(": " + reason + "; retry in")).map((line) => Number(/retry in ([\d.]+) s/.exec(line)![1]));
	for (let turn = 0; waits().length < FIRST_WAITS_S.length && turn < 1000; turn++) await new Promise((resolve) => setTimeout(resolve, 10));
	expect(waits().length).toBeGreaterThanOrEqual(FIRST_WAITS_S.length);
	waits().slice(0, FIRST_WAITS_S.length).forEach((wait, n) => {
		expect(wait).toBeGreaterThanOrEqual(FIRST_WAITS_S[n][0]);
		expect(wait).toBeLessThanOrEqual(FIRST_WAITS_S[n][1]);
	});
	expect(restarts).toBe(0);
});
