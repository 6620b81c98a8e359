// A receiver restart with 100 cameras on it: each camera's session (the firmware's own, over the host's
// TCP) comes back, and their jitter spreads the reconnects instead of a thundering herd. What is
// measured is when each session scheduled its next attempt (the moment it failed plus the wait it drew),
// which no load on this machine can bunch up; the spread is asserted, not a speed.

import { afterEach, expect, it } from "vitest";
import { Resolver } from "../../src/network/resolver";
import { Session } from "../../src/session/session";
import { openTcpPipe } from "../../src/transport/tcp-pipe";
import { installBoard } from "../host/board";
import Net from "../host/net";
import { createNodeBoard } from "../host/node-board";
import { CONNECTED } from "../host/radio";
import TCP from "../host/tcp";
import Timer from "../host/timer";
import { WIFI } from "./device-board";
import { TestReceiver } from "./test-receiver";

const CAMERAS = 100;
/** The session's first wait is drawn from [250, 500] ms (session.ts: a base of 500 ms, halved for jitter). */
const FIRST_WAIT = { min: 250, max: 500 };
/** In lockstep, every camera would fall in one window; spread uniformly, about a tenth do. */
const WINDOW_MS = 25;
const MAX_IN_A_WINDOW = 30;

let sessions: Session[] = [];
let receiver: TestReceiver | undefined;
afterEach(async () => {
	for (const session of sessions) session.stop();
	sessions = [];
	await receiver?.close();
});

it("brings " + CAMERAS + " cameras back after a receiver restart, their reconnects spread over the first backoff's range by jitter", async () => {
	const board = createNodeBoard({ config: { manifest: {}, commandLine: {} }, accessPoints: [WIFI], radio: { associateDelay: 1, dhcpDelay: 1 }, trace: () => {} });
	installBoard(board);
	board.radio.connect(WIFI.ssid, WIFI.password); // the station's address: TCP needs one
	while (board.radio.connection !== CONNECTED) await new Promise((resolve) => setTimeout(resolve, 5));
	receiver = new TestReceiver();
	const port = await receiver.listen();
	const retryAt = new Map<number, number>(); // camera -> when its first attempt after a drop was due
	for (let n = 0; n < CAMERAS; n++) {
		const session = new Session({
			openPipe: (options) => openTcpPipe(TCP, options), resolver: new Resolver(Net), Timer, receivers: [{ server: "127.0.0.1", port }],
			identity: { id: "cam-" + n, firmware: "1", board: "test", sensor: "OV2640", width: 320, height: 240 },
			onControl: () => ({ applied: {}, pending: {}, refused: {} }),
			deviceStats: () => ({ uptime: 0, captured: 0, superseded: 0, rssi: undefined, freeHeap: undefined }),
			onChanged: (state, _reason, retryIn) => {
				if (state === "waiting" && !retryAt.has(n)) retryAt.set(n, Date.now() + retryIn!);
			},
		});
		sessions.push(session);
		session.start();
	}
	const streaming = () => sessions.filter((session) => session.state === "streaming").length;
	await receiver.until(() => streaming() === CAMERAS);
	// 1. the receiver restarts: every connection reset at once, the port listening again straight away
	await receiver.close();
	const restarted = new TestReceiver();
	await restarted.listen(port);
	receiver = restarted;
	// 2. every camera is back
	await restarted.until(() => restarted.connections >= CAMERAS && streaming() === CAMERAS);
	// 3. their first attempts after the drop were spread, not in lockstep
	const first = [...retryAt.values()];
	expect(first).toHaveLength(CAMERAS);
	const earliest = Math.min(...first);
	const spread = Math.max(...first) - earliest;
	expect(spread).toBeGreaterThanOrEqual((FIRST_WAIT.max - FIRST_WAIT.min) / 2);
	const windows = new Map<number, number>();
	for (const at of first) {
		const window = Math.floor((at - earliest) / WINDOW_MS);
		windows.set(window, (windows.get(window) ?? 0) + 1);
	}
	expect(Math.max(...windows.values())).toBeLessThanOrEqual(MAX_IN_A_WINDOW);
	expect(new Set(restarted.messages.filter((message) => message.type === "hello").map((hello) => hello.type === "hello" && hello.id)).size).toBe(CAMERAS);
}, 30_000);
