// The unchanged firmware when the Wi-Fi goes wrong: the access point gone for an hour of virtual time,
// an access point that moves to another channel, and a DHCP server that gives the camera another
// address. The hour and the new address run on vitest's fake timers (the board's
// timers are Node's, so the firmware's clock, backoff and camera all follow them); the receiver is real
// TCP on loopback, whose I/O is waited for in real time between steps of the virtual clock.

import { afterEach, expect, it, vi } from "vitest";
import type { Device } from "../../src/app/device";
import { boot } from "./boot";
import { deviceBoard, WIFI } from "./device-board";
import { TestReceiver } from "./test-receiver";

const realTurn = globalThis.setImmediate; // taken before any test fakes the timers
const HOUR = 3_600_000;
/** The link's backoff (link/wifi-link.ts): waits drawn from [b/2, b], b doubling from 1 s to a cap of 60 s. */
const LINK_BACKOFF = { min: 500, cap: 60_000 };
/** Back once the access point returns: the longest wait, a scan and a join, the connection and a welcome. */
const BACK_WITHIN_MS = LINK_BACKOFF.cap + 5_000;
/** The session's backoff (session/session.ts): waits drawn from [b/2, b], b doubling from 500 ms. */
const SESSION_FIRST_WAITS = [500, 1000];
/** The DHCP exchange for the new address: longer than the first wait, shorter than the first two's shortest (250 + 500 ms). */
const LEASE_GAP_MS = 600;
/** A connection, its welcome and the next frame (10 fps), in the 100 ms steps the virtual clock moves in. */
const RECONNECTED_MS = 500;
/** Back on a new address: the first try finds no address yet, the second one connects. */
const NEW_ADDRESS_WITHIN_MS = SESSION_FIRST_WAITS[0] + SESSION_FIRST_WAITS[1] + RECONNECTED_MS;

let device: Device | undefined;
let receiver: TestReceiver;

afterEach(async () => {
	device?.close();
	device = undefined;
	vi.useRealTimers();
	await receiver.close();
});

/** Moves the virtual clock in steps, letting real I/O run between them, until `done` holds or `ms` passed; returns the time it took. */
async function advanceUntil(done: () => boolean, ms: number, step = 100): Promise<number> {
	let passed = 0;
	while (!done() && passed < ms) {
		await vi.advanceTimersByTimeAsync(step);
		passed += step;
		for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => realTurn(resolve));
	}
	return passed;
}

it("rides out an hour without the access point: attempts at most one per " + LINK_BACKOFF.min + " ms and no more than the backoff allows, no restart, streaming again within " + BACK_WITHIN_MS + " ms of its return", async () => {
	const lines: { at: number; text: string }[] = [];
	let restarts = 0;
	receiver = new TestReceiver();
	const port = await receiver.listen();
	vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
	const board = deviceBoard({ port, sensorFps: 2, frameRate: 2, trace: (text) => lines.push({ at: Date.now(), text }), onRestart: () => restarts++ });
	device = await boot(board);
	await advanceUntil(() => receiver.frames.length >= 2, 10_000);
	expect(receiver.frames.length).toBeGreaterThanOrEqual(2);
	// 1. the access point goes away for an hour
	const accessPoint = board.radio.accessPoints[0];
	accessPoint.inRange = false;
	const gone = Date.now();
	await vi.advanceTimersByTimeAsync(HOUR);
	const joins = lines.filter((line) => line.at >= gone && line.text.startsWith("xscam: wifi joining")).map((line) => line.at);
	// 2. it kept trying, never faster than the shortest wait, and backed off to the cap: about one try a minute
	const gaps = joins.slice(1).map((at, n) => at - joins[n]);
	expect(Math.min(...gaps)).toBeGreaterThanOrEqual(LINK_BACKOFF.min);
	expect(joins.length).toBeGreaterThanOrEqual(HOUR / (LINK_BACKOFF.cap + 20_000)); // the longest wait and a join timeout between tries
	expect(joins.length).toBeLessThanOrEqual(HOUR / (LINK_BACKOFF.cap / 2) + 7); // the doubling's first 6 tries, then half the cap at least
	expect(restarts).toBe(0);
	expect(board.cameraCounts.poolFull).toBe(0); // the camera's frames were closed all along
	// 3. it comes back, and streams on a new connection within the bound
	accessPoint.inRange = true;
	const took = await advanceUntil(() => receiver.frames.some((frame) => frame.connection === 2), BACK_WITHIN_MS + 1000);
	expect(receiver.frames.some((frame) => frame.connection === 2)).toBe(true);
	expect(took).toBeLessThanOrEqual(BACK_WITHIN_MS);
	expect(restarts).toBe(0);
}, 60_000); // an hour of virtual time is about 3,600 timer callbacks, and the receiver's real I/O: seconds on a loaded machine

it("follows its access point to another channel: one rejoin, streaming again on a new connection", async () => {
	const lines: string[] = [];
	receiver = new TestReceiver();
	const board = deviceBoard({ port: await receiver.listen(), trace: (text) => lines.push(text) });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 3);
	// 1. the router moves the network from channel 6 to 11: the old one is gone, the same network is on the new one
	const moved = board.radio.addAccessPoint({ ...WIFI, channel: 11 });
	board.radio.accessPoints[0].inRange = false;
	// 2. the device joins it and streams again
	await receiver.until(() => receiver.frames.some((frame) => frame.connection === 2));
	expect(board.radio.accessPoint).toBe(moved);
	expect(lines.filter((line) => line.startsWith("xscam: wifi up"))).toHaveLength(2);
	expect(receiver.connections).toBe(2);
});

it("streams again from its new address when DHCP gives it another: the old connection aborted as lwIP does, the link untouched, back within " + NEW_ADDRESS_WITHIN_MS + " ms", async () => {
	const lines: string[] = [];
	receiver = new TestReceiver();
	const port = await receiver.listen();
	vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
	const board = deviceBoard({
		port, sensorFps: 10, frameRate: 10, trace: (text) => lines.push(text),
		radio: { address: "127.0.0.2", associateDelay: 5, dhcpDelay: LEASE_GAP_MS }, // a loopback address: the receiver sees it
	});
	device = await boot(board);
	await advanceUntil(() => receiver.frames.length >= 2, 10_000);
	expect(receiver.frames.length).toBeGreaterThanOrEqual(2);
	expect(receiver.sockets[0].remoteAddress).toBe("127.0.0.2");
	// 1. the router refuses the renewal and offers another address
	board.radio.renewLease("127.0.0.3");
	const took = await advanceUntil(() => receiver.frames.some((frame) => frame.connection === 2), NEW_ADDRESS_WITHIN_MS + 1000);
	// 2. streaming again on a second connection, from the new address, within the bound
	expect(receiver.frames.some((frame) => frame.connection === 2)).toBe(true);
	expect(took).toBeLessThanOrEqual(NEW_ADDRESS_WITHIN_MS);
	expect(receiver.connections).toBe(2);
	expect(receiver.sockets[1].remoteAddress).toBe("127.0.0.3");
	// 3. the session saw its connection end and a try before the new address was bound; the link saw nothing, as on the device
	const retries = lines.filter((line) => line.includes("retry in") && !line.startsWith("xscam: wifi"));
	expect(retries.map((line) => line.replace(/; retry in [^]*$/, ""))).toEqual([
		"xscam: 127.0.0.1:" + port + ": connection lost",
		"xscam: 127.0.0.1:" + port + ": cannot connect: connect error",
	]);
	expect(lines.filter((line) => line.startsWith("xscam: wifi"))).toEqual([expect.stringMatching(/^xscam: wifi joining/), expect.stringMatching(/^xscam: wifi up 127\.0\.0\.2 /)]);
	expect(board.radio.connection).toBe(500);
});
