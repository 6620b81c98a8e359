// Ingest: several cameras at once, each on real TCP to the real listener; what the receiver learns from
// their hellos, frames and stats; sequence gaps; and a second connection with the same id.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/protocol/constants";
import { encode } from "../../src/protocol/encoder";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until } from "./helpers/harness";
import { NO_KEYS } from "./helpers/test-keys";
import type { Harness } from "./helpers/harness";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

describe("ingest", () => {
	it("welcomes each camera with the server's clock, the ping interval and the size limit", async () => {
		harness = await startReceiver({ pingIntervalMs: 2000, maxBodyBytes: 512 * 1024 });
		const { camera, welcome } = await FakeCamera.online(harness.ingestPort, "cam-1");
		expect(welcome).toEqual({ type: "welcome", serverTime: harness.clock.now(), pingInterval: 2000, maxBodyBytes: 512 * 1024 });
		expect(harness.lines.find((line) => line.msg === "camera cam-1 connected, authenticated")).toMatchObject({ camera: "cam-1", board: "test", width: 320, authenticated: true });
		await camera.close();
	});

	it("takes frames from several cameras at once, each into its own state", async () => {
		harness = await startReceiver();
		const ids = ["cam-a", "cam-b", "cam-c", "cam-d"];
		const cameras = await Promise.all(ids.map((id) => FakeCamera.online(harness.ingestPort, id).then(({ camera }) => camera)));
		// interleaved: every camera sends frame n before any sends frame n + 1
		for (let n = 0; n < 20; n++) cameras.forEach((camera, i) => camera.frame(syntheticJpeg(1000 + 100 * i + n)));
		await until(() => ids.every((id) => harness.receiver.status(id)?.frames.received === 20), "20 frames from each camera");
		ids.forEach((id, i) => {
			const status = harness.receiver.status(id)!;
			expect(status).toMatchObject({ id, online: true, frames: { received: 20, lost: 0, bad: 0 }, width: 320, height: 240 });
			expect(status.frames.received).toBe(20);
			expect(harness.receiver.status(id)!.lastFrameAgeMs).toBe(0);
			expect(harness.receiver.list().map((camera) => camera.id)).toEqual(ids);
			expect(i).toBeGreaterThanOrEqual(0);
		});
		await Promise.all(cameras.map((camera) => camera.close()));
		await until(() => harness.receiver.list().every((camera) => !camera.online), "all offline");
	});

	it("takes a hello and a first frame that arrive in one chunk: the frame is held to the body limit, not the hello's", async () => {
		harness = await startReceiver({ insecureCameras: true, cameraKeys: NO_KEYS }); // a camera without a key: welcomed at its hello
		const camera = await FakeCamera.connect(harness.ingestPort);
		const hello = encode({ type: "hello", flags: 0, id: "eager", firmware: "x", board: "b", sensor: "s", width: 320, height: 240 });
		const frame = encode({ type: "frame", seq: 0, captureTime: harness.clock.now(), width: 320, height: 240, jpeg: syntheticJpeg(2000) });
		camera.socket.write(Buffer.concat([hello, frame])); // one write: one chunk at the receiver, before the welcome is read
		await until(() => harness.receiver.status("eager")?.frames.received === 1, "the frame");
		expect(harness.receiver.status("eager")!.online).toBe(true);
		await camera.close();
	});

	it("does not believe a capture time of 0 or an hour ahead: no latency, the frame stamped on arrival, and counted", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "clocky");
		camera.frame(syntheticJpeg(100), { captureTime: harness.clock.now() - 30 });
		await until(() => harness.receiver.status("clocky")?.frames.received === 1, "a frame");
		expect(harness.receiver.status("clocky")).toMatchObject({ latencyMs: 30, frames: { misdated: 0 } });
		for (const captureTime of [0, harness.clock.now() + 3_600_000]) {
			const before = harness.receiver.status("clocky")!.frames.received;
			camera.frame(syntheticJpeg(100), { captureTime });
			await until(() => harness.receiver.status("clocky")!.frames.received === before + 1, "a misdated frame");
			expect(harness.receiver.status("clocky")!.latencyMs).toBeNull();
			const snapshot = await fetch(harness.base + "/cameras/clocky/snapshot.jpg");
			expect(snapshot.headers.get("x-capture-time")).toBe(new Date(harness.clock.now()).toISOString());
		}
		expect(harness.receiver.status("clocky")!.frames.misdated).toBe(2);
		expect(harness.lines.filter((line) => line.msg.includes("off the receiver's clock"))).toHaveLength(1); // once per connection
		await camera.close();
	});

	it("counts sequence gaps as frames lost on the way, across the 2^32 wrap", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "gappy");
		for (const seq of [0xfffffffc, 0xfffffffd, 0xffffffff, 0, 3]) camera.frame(syntheticJpeg(100), { seq });
		await until(() => harness.receiver.status("gappy")?.frames.received === 5, "5 frames");
		// 0xfffffffe is missing, then 1 and 2: the wrap from 0xffffffff to 0 is no gap
		expect(harness.receiver.status("gappy")!.frames.lost).toBe(3);
		await camera.close();
	});

	it("counts a jump backwards as the camera numbering from 0 again: the frames before the new number were lost", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "backwards");
		for (const seq of [10, 11, 3, 4]) camera.frame(syntheticJpeg(100), { seq });
		await until(() => harness.receiver.status("backwards")?.frames.received === 4, "4 frames");
		expect(harness.receiver.status("backwards")!.frames.lost).toBe(3); // 0, 1 and 2 of the new numbering
		await camera.close();
	});

	it("counts a jump of 2^31 or more as loss, but no more than the camera could have sent in the time since its last frame", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "jumpy");
		camera.frame(syntheticJpeg(100), { seq: 5 });
		await until(() => harness.receiver.status("jumpy")?.frames.received === 1, "the first frame");
		harness.clock.advance(2000); // 2 s pass: at the 60 fps a camera sends at most, 120 frames, plus a second's grace
		camera.frame(syntheticJpeg(100), { seq: 5 + 2 ** 31 + 10 });
		camera.frame(syntheticJpeg(100), { seq: 7 }); // and back: a reset without reconnecting, in the same instant
		await until(() => harness.receiver.status("jumpy")?.frames.received === 3, "3 frames");
		expect(harness.receiver.status("jumpy")!.frames.lost).toBe(180 + 60); // (2 s + 1 s) * 60, then (0 s + 1 s) * 60
		await camera.close();
	});

	it("keeps the device's stats, fps and bit rate for the status", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "statty");
		camera.stats({ dropped: 7, rssi: -70, freeHeap: 54321, uptime: 99, reconnects: 3 });
		for (let n = 0; n < 11; n++) {
			camera.frame(syntheticJpeg(1250));
			await until(() => harness.receiver.status("statty")?.frames.received === n + 1, "frame " + n);
			harness.clock.advance(100); // 10 frames per second on the receiver's clock
		}
		const status = harness.receiver.status("statty")!;
		expect(status).toMatchObject({ rssi: -70, freeHeap: 54321, uptime: 99, deviceReconnects: 3, frames: { droppedOnDevice: 7 } });
		expect(status.fps).toBe(10);
		expect(status.kbps).toBe(100); // 1250 bytes * 8 bits every 100 ms
		expect(status.lastFrameAgeMs).toBe(100);
		harness.clock.advance(10_000);
		expect(harness.receiver.status("statty")!.fps).toBe(0); // none for a while: no rate, not the old one
		await camera.close();
	});

	it("lets the camera's unknown stats be null, not made-up numbers", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "release");
		camera.stats({ rssi: undefined, freeHeap: undefined });
		await until(() => harness.receiver.status("release")?.uptime === 60, "stats");
		expect(harness.receiver.status("release")).toMatchObject({ rssi: null, freeHeap: null });
		await camera.close();
	});
});

describe("takeover", () => {
	it("a second connection with the same id replaces the first, which is closed, and keeps the camera's state", async () => {
		harness = await startReceiver();
		// 1. the first connection streams a few frames
		const first = (await FakeCamera.online(harness.ingestPort, "porch")).camera;
		for (let n = 0; n < 3; n++) first.frame(syntheticJpeg(200));
		await until(() => harness.receiver.status("porch")?.frames.received === 3, "3 frames");
		// 2. the same id connects again (the device rebooted; the old connection is half-open)
		const second = (await FakeCamera.online(harness.ingestPort, "porch")).camera;
		// 3. the old one is closed by the receiver, not the new one
		await first.closed;
		expect(second.socket.destroyed).toBe(false);
		// 4. the camera stays online through the old connection's close, counters carry on
		second.frame(syntheticJpeg(200), { seq: 0 });
		await until(() => harness.receiver.status("porch")?.frames.received === 4, "the 4th frame");
		expect(harness.receiver.status("porch")).toMatchObject({ online: true, reconnects: 1, frames: { lost: 0 } });
		expect(harness.lines.find((line) => line.code === "XSCAM_ERR_REPLACED")).toMatchObject({ camera: "porch", level: 30 });
		await second.close();
		await until(() => harness.receiver.status("porch")?.online === false, "offline");
		expect(harness.receiver.status("porch")!.lastError).toBe("closed");
	});

	it("a camera that reconnects after going offline takes over its old state", async () => {
		harness = await startReceiver();
		const first = (await FakeCamera.online(harness.ingestPort, "garage")).camera;
		first.frame(syntheticJpeg(300));
		await until(() => harness.receiver.status("garage")?.frames.received === 1, "a frame");
		await first.close();
		await until(() => harness.receiver.status("garage")?.online === false, "offline");
		const second = (await FakeCamera.online(harness.ingestPort, "garage")).camera;
		second.frame(syntheticJpeg(300), { seq: 0 }); // sequence numbers restart with each connection: no loss
		await until(() => harness.receiver.status("garage")?.frames.received === 2, "a second frame");
		expect(harness.receiver.status("garage")).toMatchObject({ online: true, reconnects: 1, frames: { lost: 0 } });
		await second.close();
	});

	it("refuses new ids beyond --max-cameras, and keeps serving the known ones", async () => {
		harness = await startReceiver({ maxCameras: 1 });
		const { camera } = await FakeCamera.online(harness.ingestPort, "one");
		await expect(FakeCamera.online(harness.ingestPort, "two")).rejects.toThrow(/connection closed/); // authenticated, but one too many
		expect(harness.lines.find((line) => line.code === "XSCAM_ERR_TOO_MANY_CAMERAS")).toMatchObject({ level: 40 });
		expect(camera.socket.destroyed).toBe(false);
		await camera.close();
	});

	it("accepts a frame as large as the configured limit", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "big");
		camera.frame(syntheticJpeg(DEFAULT_MAX_BODY_BYTES - 16));
		await until(() => harness.receiver.status("big")?.frames.received === 1, "the big frame");
		await camera.close();
	});
});
