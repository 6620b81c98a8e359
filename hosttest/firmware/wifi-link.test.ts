// The Wi-Fi supervisor against the simulated radio, on a fake clock: a wrong password, a missing access
// point, a join that hangs, and a link that drops and comes back. The SDK's Wi-Fi makes one attempt per
// connect(); everything after that is the supervisor's doing.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Backoff } from "../../src/backoff";
import { WifiLink, type LinkState } from "../../src/link/wifi-link";
import { installBoard } from "../host/board";
import { createNodeBoard } from "../host/node-board";
import type { AccessPoint } from "../host/radio";
import Timer from "../host/timer";
import WiFi from "../host/wifi";

let events: [LinkState, number | undefined][];
let link: WifiLink | undefined;

function start(password: string, accessPoint: { ssid: string; password: string; inRange?: boolean } | undefined, joinTimeout = 20_000) {
	const board = createNodeBoard({
		config: { manifest: {}, commandLine: {} },
		accessPoints: accessPoint ? [accessPoint] : [],
		radio: { associateDelay: 300, dhcpDelay: 200, scanTimeout: 3000, handshakeTimeout: 2000 },
		trace: () => {},
	});
	installBoard(board);
	link = new WifiLink({
		WiFi, Timer, ssid: "home", password, joinTimeout,
		backoff: new Backoff({ base: 1000, max: 8000, random: () => 1 }), // the top of each range: exact delays
		onChanged: (state, retryIn) => events.push([state, retryIn]),
	});
	link.start();
	return board.radio.accessPoints[0] as AccessPoint | undefined;
}

beforeEach(() => {
	vi.useFakeTimers();
	events = [];
});

afterEach(() => {
	link?.close();
	link = undefined;
	vi.useRealTimers();
});

describe("WifiLink", () => {
	it("joins another network once given its credentials: at once with rejoin(), else at the next attempt", async () => {
		const accessPoint = start("correct horse", { ssid: "home", password: "correct horse" })!;
		await vi.advanceTimersByTimeAsync(500);
		expect(link!.state).toBe("up");
		accessPoint.password = "a new password"; // a setup page learned the network's new password
		link!.setCredentials("home", "a new password");
		link!.rejoin();
		expect(link!.state).toBe("joining");
		await vi.advanceTimersByTimeAsync(500);
		expect(link!.state).toBe("up");
		expect(events.map(([state]) => state)).toEqual(["joining", "up", "joining", "up"]);
	});

	it("joins: up once associated and given an address", async () => {
		start("correct horse", { ssid: "home", password: "correct horse" });
		await vi.advanceTimersByTimeAsync(499);
		expect(link!.state).toBe("joining");
		await vi.advanceTimersByTimeAsync(1);
		expect(events).toEqual([["joining", undefined], ["up", undefined]]);
		expect(link!.address).toBe("192.168.4.2");
		expect(link!.rssi).toBe(-60);
	});

	it("retries a wrong password with backoff that doubles up to its cap, never faster", async () => {
		start("wrong password", { ssid: "home", password: "correct horse" });
		await vi.advanceTimersByTimeAsync(60_000);
		const waits = events.filter(([state]) => state === "waiting").map(([, retryIn]) => retryIn);
		// each attempt fails after the 2 s handshake timeout, then waits 1, 2, 4, 8, 8 … s
		expect(waits.slice(0, 7)).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
		expect(events.every(([state]) => state !== "up")).toBe(true);
	});

	it("keeps looking for an access point that is missing, and joins when it appears", async () => {
		const accessPoint = start("correct horse", { ssid: "home", password: "correct horse", inRange: false })!;
		await vi.advanceTimersByTimeAsync(20_000);
		expect(link!.state).not.toBe("up");
		expect(events.filter(([state]) => state === "joining").length).toBeGreaterThan(2);
		accessPoint.inRange = true;
		await vi.advanceTimersByTimeAsync(12_000); // the current wait, then a join
		expect(link!.state).toBe("up");
	});

	it("abandons a join that hangs longer than the join timeout", async () => {
		start("correct horse", { ssid: "home", password: "correct horse" }, 200); // association alone takes 300 ms
		await vi.advanceTimersByTimeAsync(200);
		expect(events).toEqual([["joining", undefined], ["waiting", 1000]]);
	});

	it("notices a drop, rejoins when the access point is back, and starts its backoff over", async () => {
		const accessPoint = start("correct horse", { ssid: "home", password: "correct horse" })!;
		await vi.advanceTimersByTimeAsync(500);
		expect(link!.state).toBe("up");
		accessPoint.outage(15_000);
		await vi.advanceTimersByTimeAsync(0); // the loss arrives as an event
		expect(link!.state).toBe("waiting");
		await vi.advanceTimersByTimeAsync(30_000);
		expect(link!.state).toBe("up");
		const afterDrop = events.slice(events.findIndex(([state]) => state === "waiting"));
		expect(afterDrop.filter(([state]) => state === "up")).toHaveLength(1);
		// a second drop waits the base delay again: the success reset the backoff
		events = [];
		accessPoint.inRange = false;
		await vi.advanceTimersByTimeAsync(0);
		expect(events).toEqual([["waiting", 1000]]);
	});
});
