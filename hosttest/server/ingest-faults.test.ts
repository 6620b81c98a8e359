// The camera port under the faults a network and a hostile peer bring: a 4 GB length prefix, a frame cut
// off by a hang-up, a hello that trickles in a byte at a time (slow loris), and 10,000 connections that
// never say anything. Each bound is a count or a time on the receiver's manual clock.

import { afterEach, describe, expect, it } from "vitest";
import { encode } from "../../src/protocol/encoder";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, type Harness } from "./helpers/harness";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const closedWith = (code: string) => harness.lines.filter((line) => line.code === code && line.msg.includes(" closed"));

describe("lengths and cuts", () => {
	it("refuses a frame header announcing 4 GB on its 8 bytes, allocating less than 16 MiB for it", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const before = process.memoryUsage().arrayBuffers;
		camera.socket.write(Buffer.from([0x58, 0x43, 0x01, 0x02, 0xff, 0xff, 0xff, 0xff])); // a frame of 2^32 - 1 bytes, none sent
		await camera.closed;
		expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(16 << 20);
		await until(() => closedWith("XSCAM_ERR_TOO_LARGE").length === 1, "the close line");
		expect(harness.receiver.status("cam")!.frames.received).toBe(0);
	});

	it("counts no frame from one cut off by a hang-up, and takes the camera's next connection at once", async () => {
		harness = await startReceiver();
		const first = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		const frame = encode({ type: "frame", seq: 0, captureTime: Date.now(), width: 320, height: 240, jpeg: syntheticJpeg(10_000) });
		first.socket.write(frame.subarray(0, 5000)); // half a frame, then the connection dies
		await first.close();
		await until(() => !harness.receiver.status("cam")!.online, "the camera offline");
		expect(harness.receiver.status("cam")!.frames.received).toBe(0);
		// the next connection starts clean: nothing of the cut frame is left to prefix it
		const second = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		second.frame(syntheticJpeg(500));
		await until(() => harness.receiver.status("cam")!.frames.received === 1, "the next frame");
		expect(harness.receiver.status("cam")!.frames.bad).toBe(0);
		await second.close();
	});
});

describe("slow and idle peers", () => {
	const HELLO_TIMEOUT_MS = 5000;

	it("closes a camera whose hello trickles in a byte a second at the hello timeout (" + HELLO_TIMEOUT_MS + " ms), however many bytes came", async () => {
		harness = await startReceiver({ helloTimeoutMs: HELLO_TIMEOUT_MS });
		const loris = await FakeCamera.connect(harness.ingestPort);
		const hello = encode({ type: "hello", flags: 0, id: "loris", firmware: "1", board: "b", sensor: "s", width: 320, height: 240 });
		await until(() => harness.clock.pending === 1, "the hello timer");
		// 1. a byte every second of the receiver's clock: each is a sign of life, none resets the timeout
		for (let n = 0; n < HELLO_TIMEOUT_MS / 1000 - 1; n++) {
			loris.socket.write(hello.subarray(n, n + 1));
			harness.clock.advance(1000);
		}
		expect(loris.socket.destroyed).toBe(false);
		// 2. the timeout, counted from the connection, not from its last byte
		harness.clock.advance(1000);
		await loris.closed;
		await until(() => closedWith("XSCAM_ERR_HELLO_TIMEOUT").length === 1, "the close line");
	});

	/** 10,000 fits: the test process holds one descriptor per client and the receiver at most --max-pending more (ulimit -n 20,000 here). */
	const IDLE = 10_000;
	const MAX_PENDING = 256; // the receiver's default

	it("holds at most --max-pending of " + IDLE + " idle connections, refuses the rest at once, keeps a streaming camera going, and admits a camera after the hello timeout", async () => {
		harness = await startReceiver({ helloTimeoutMs: HELLO_TIMEOUT_MS });
		const { camera } = await FakeCamera.online(harness.ingestPort, "streaming");
		// 1. the flood, in batches the listen backlog (511) takes without dropping a SYN
		const idle: FakeCamera[] = [];
		for (let batch = 0; batch < IDLE / 100; batch++) idle.push(...await Promise.all(Array.from({ length: 100 }, () => FakeCamera.connect(harness.ingestPort))));
		const refusedNow = await Promise.all(idle.map((peer) => Promise.race([peer.closed.then(() => 1), new Promise<number>((resolve) => setTimeout(() => resolve(0), 2000))])));
		const open = idle.filter((peer) => !peer.socket.destroyed);
		// 2. the receiver kept exactly its bound, and the refused were closed without waiting for a timeout
		expect(open).toHaveLength(MAX_PENDING);
		expect(refusedNow.reduce((sum, one) => sum + one, 0)).toBe(IDLE - MAX_PENDING);
		const metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toMatch(new RegExp("^xscam_ingest_refused_total " + (IDLE - MAX_PENDING) + "$", "m"));
		// 3. the camera admitted before the flood streams through it
		camera.frame(syntheticJpeg(500));
		await until(() => harness.receiver.status("streaming")!.frames.received === 1, "a frame during the flood");
		// 4. the hello timeout frees every held place, and a new camera gets in
		harness.clock.advance(HELLO_TIMEOUT_MS);
		await Promise.all(open.map((peer) => peer.closed));
		const { camera: late } = await FakeCamera.online(harness.ingestPort, "late");
		expect(harness.receiver.status("late")!.online).toBe(true);
		await late.close();
		await camera.close();
	}, 120_000); // a loopback connection costs this machine about 2.3 ms (plain node:net alike): 10,000 take 25 s idle, more loaded
});
