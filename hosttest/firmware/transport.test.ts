// The connection to the receiver over real loopback sockets: a slow reader (latest frame wins, never more
// than one frame in flight and one waiting), a receiver that goes away and comes back (the stream resumes
// by itself), a half-open connection (silence is noticed), and pings, all with the unchanged firmware.

import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { frameNumberOf } from "../host/marked-jpeg";
import { boot } from "./boot";
import { deviceBoard, type DeviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";
import { encode } from "../../src/protocol/encoder";

let device: Device | undefined;
let receivers: TestReceiver[];

beforeEach(() => {
	receivers = [];
});

afterEach(async () => {
	device?.close();
	device = undefined;
	for (const receiver of receivers) await receiver.close();
});

async function receiver(port = 0): Promise<TestReceiver> {
	const created = new TestReceiver();
	receivers.push(created);
	await created.listen(port);
	return created;
}

const held = (board: DeviceBoard) => board.cameraCounts.read - board.cameraCounts.closed;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it("on a slow link sends the newest frames and holds at most one in flight and one waiting", async () => {
	const server = await receiver();
	const board = deviceBoard({ port: server.port, sensorFps: 50, frameRate: 50, frameBytes: 200_000 });
	device = await boot(board);
	await server.until(() => server.frames.length >= 3);
	server.keepAlive(1); // on a loaded machine the test outlasts three silent ping intervals: only the stall may matter

	// 1. the receiver stops reading: the kernel buffers fill, then the device's writes stall
	server.pause(1);
	let maxHeld = 0;
	const dropsAtPause = device!.session.dropped;
	while (device!.session.dropped < dropsAtPause + 40) {
		maxHeld = Math.max(maxHeld, held(board));
		await sleep(5);
	}
	// 2. frames kept coming from the camera, and the device never held a third one
	expect(maxHeld).toBeLessThanOrEqual(2);
	expect(board.cameraCounts.poolFull).toBe(0);

	// 3. reading again: what was already in the kernel's buffers arrives, then fresh frames, not a backlog
	const newestAtResume = Math.max(...board.captured.keys());
	server.resume(1);
	await server.until(() => server.frames.some((frame) => frameNumberOf(frame.jpeg) > newestAtResume));
	await server.until(() => server.frames.length >= 5 + server.frames.findIndex((frame) => frameNumberOf(frame.jpeg) > newestAtResume));
	const numbers = server.frames.map((frame) => frameNumberOf(frame.jpeg));
	const largestGap = Math.max(...numbers.slice(1).map((number, i) => number - numbers[i]));
	expect(largestGap).toBeGreaterThan(30); // the frames captured during the stall were skipped
	const newest = Math.max(...board.captured.keys());
	expect(newest - numbers[numbers.length - 1]).toBeLessThan(10);
	expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
}, 30_000);

it("resumes the stream by itself when the receiver goes away and comes back", async () => {
	const first = await receiver();
	const port = first.port;
	device = await boot(deviceBoard({ port }));
	await first.until(() => first.frames.length >= 5);

	await first.close(); // connections reset, nothing listening: reconnects are refused for a while
	await sleep(1500);
	expect(device!.session.state).toBe("waiting");

	const second = await receiver(port);
	await second.until(() => second.frames.length >= 5);
	expect(second.messages[0]).toMatchObject({ type: "hello", id: "cam-1" });
	expect(second.frames[0].seq).toBe(0); // a new connection counts from zero
	expect(device!.session.reconnects).toBeGreaterThanOrEqual(1);
}, 30_000);

it("notices a half-open connection by its silence, and reconnects", async () => {
	const server = await receiver();
	server.pingInterval = 200; // the device gives up after three silent intervals
	device = await boot(deviceBoard({ port: server.port }));
	await server.until(() => server.frames.length >= 1);
	server.keepAlive(1);
	await sleep(6 * server.pingInterval); // pinged, the connection outlives many intervals: only silence ends it
	expect(server.connections).toBe(1);
	server.pause(1); // the receiver neither reads nor pings: as after a power cut on its side
	await server.until(() => server.connections === 2);
	await server.until(() => server.frames.some((frame) => frame.connection === 2));
}, 30_000);

it("answers a ping with a pong carrying the same token", async () => {
	const server = await receiver();
	device = await boot(deviceBoard({ port: server.port }));
	await server.until(() => server.frames.length >= 1);
	server.send(1, encode({ type: "ping", token: 0xc0ffee }));
	await server.until(() => server.messages.some((message) => message.type === "pong"));
	expect(server.messages.find((message) => message.type === "pong")).toEqual({ type: "pong", token: 0xc0ffee });
});

it("closes every camera frame exactly once over thousands of frames, through every path", async () => {
	const first = await receiver();
	const board = deviceBoard({ port: first.port, sensorFps: 1000, frameRate: 20, frameBytes: 60_000 });
	device = await boot(board);
	await first.until(() => first.frames.length >= 5);
	const counts = board.cameraCounts;
	const capturedUntil = async (total: number) => {
		while (counts.captured < total) await sleep(10);
	};
	first.pause(1); // sent, paced out, superseded, replaced while waiting …
	await capturedUntil(1500);
	await first.close(); // … and closed by a lost connection
	const second = await receiver(first.port);
	await second.until(() => second.frames.length >= 5);
	await capturedUntil(3000);
	device!.close();
	device = undefined;

	expect(counts.captured).toBeGreaterThanOrEqual(3000);
	expect(counts.read).toBe(counts.closed);
	expect(counts.closedTwice).toBe(0);
	expect(counts.written).toBe(0);
	expect(counts.poolFull).toBe(0);
}, 30_000);
