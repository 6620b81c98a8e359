// Slow-loris viewers: connections whose request headers trickle in a byte at a time, never finishing.
// Node's HTTP server ends them at --request-timeout (set small here) on its own wall clock, whatever
// comes meanwhile, and --max-http-connections bounds how many are held; a viewer already streaming is
// not bound by the timeout and keeps getting frames. Nothing here asserts a speed: a close is checked
// to come no earlier than the timeout (a lower bound a slow machine only makes easier), and waited for
// with until(), which only turns a hang into a failure.

import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, expect, it } from "vitest";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";

const REQUEST_TIMEOUT_MS = 1000;
const MAX_HTTP_CONNECTIONS = 4;
/** How often a slow client sends its next byte. */
const TRICKLE_MS = 50;
/** A request line, then a header that never ends. */
const HEAD = "GET /cameras/porch/stream.mjpeg HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";

let harness: Harness;
const slow: SlowClient[] = [];

afterEach(async () => {
	for (const client of slow.splice(0)) client.socket.destroy();
	await harness?.close();
});

/** A client that sends its request a byte every TRICKLE_MS for as long as the connection lasts. */
class SlowClient {
	readonly socket: Socket;
	readonly openedAt = performance.now();
	closedAt: number | undefined;
	sent = 0;
	received = "";

	private constructor(port: number, connected: () => void) {
		const socket = this.socket = connect(port, "127.0.0.1", () => {
			this.#next();
			connected();
		});
		const trickle = setInterval(() => this.#next(), TRICKLE_MS);
		socket.on("data", (data) => this.received += data.toString("latin1"));
		socket.on("error", () => {}); // a refused one may be reset; a write after the receiver's answer may fail
		socket.once("close", () => {
			clearInterval(trickle);
			this.closedAt = performance.now();
		});
	}

	#next(): void {
		if (this.socket.connecting || !this.socket.writable) return;
		this.socket.write(this.sent < HEAD.length ? HEAD[this.sent] : "a");
		this.sent++;
	}

	static open(port: number): Promise<SlowClient> {
		return new Promise((resolve) => {
			const client: SlowClient = new SlowClient(port, () => resolve(client));
			slow.push(client);
		});
	}
}

it("closes viewers whose request headers trickle in a byte at a time at --request-timeout (" + REQUEST_TIMEOUT_MS + " ms), not before, holds at most --max-http-connections (" + MAX_HTTP_CONNECTIONS + ") connections, and keeps a streaming viewer going", async () => {
	harness = await startReceiver({ requestTimeoutMs: REQUEST_TIMEOUT_MS, maxHttpConnections: MAX_HTTP_CONNECTIONS });
	const { camera } = await FakeCamera.online(harness.ingestPort, "porch");
	camera.frame(syntheticJpeg(500, 1));
	const viewer = await MjpegClient.open(harness.httpPort, "/cameras/porch/stream.mjpeg");
	await until(() => viewer.parts.length === 1, "the viewer's first frame");
	// 1. slow clients take the rest of the connections; those beyond the limit are closed at once
	const held: SlowClient[] = [];
	for (let n = 1; n < MAX_HTTP_CONNECTIONS; n++) held.push(await SlowClient.open(harness.httpPort));
	const refused = [await SlowClient.open(harness.httpPort), await SlowClient.open(harness.httpPort)];
	await until(() => refused.every((client) => client.closedAt !== undefined), "the connections beyond the limit closed");
	expect(refused.map((client) => client.received)).toEqual(["", ""]); // refused unanswered, not timed out
	// 2. the held ones are answered 408 and closed at the timeout, however many bytes they sent meanwhile
	await until(() => held.every((client) => client.closedAt !== undefined), "the slow clients closed");
	for (const client of held) {
		expect(client.received).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n[^]*"code":"XSCAM_ERR_BAD_HTTP"/);
		expect(client.closedAt! - client.openedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
		expect(client.sent).toBeGreaterThan(1); // its bytes kept coming after the first
	}
	// 3. the viewer, connected longer than the timeout, still streams
	camera.frame(syntheticJpeg(600, 2));
	await until(() => viewer.parts.length === 2, "the viewer's next frame");
	expect(viewer.parts[1].jpeg.equals(syntheticJpeg(600, 2))).toBe(true);
	expect(viewer.socket.destroyed).toBe(false);
	await viewer.close();
	await camera.close();
});

it("ends a connection that never sends a byte at the same timeout", async () => {
	harness = await startReceiver({ requestTimeoutMs: REQUEST_TIMEOUT_MS });
	const openedAt = performance.now();
	const silent = connect(harness.httpPort, "127.0.0.1");
	let received = "";
	silent.on("data", (data) => received += data.toString("latin1"));
	let closedAt: number | undefined;
	silent.once("close", () => closedAt = performance.now());
	await until(() => closedAt !== undefined, "the silent connection closed");
	expect(received).toMatch(/^HTTP\/1\.1 408 /);
	expect(closedAt! - openedAt).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS);
});
