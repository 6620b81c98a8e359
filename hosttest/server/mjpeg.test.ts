// The MJPEG stream and its fan-out: the exact bytes on the wire (no chunked encoding, a Content-Length
// in every part), any number of viewers, and a viewer that stops reading: it skips frames, holds at most
// one part, does not delay a fast viewer, and is dropped after the stall timeout.
import { existsSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { FakeCamera } from "./helpers/fake-camera";
import { SECOND_PER_FRAME, startReceiver, syntheticJpeg, until, WARN } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const STREAM = "/cameras/cam/stream.mjpeg";
const HIGH_WATER_MARK = 16 * 1024; // a net.Socket's default writableHighWaterMark

describe("the MJPEG response on the wire", () => {
	it("is a hand-written HTTP/1.1 head and multipart body: no Transfer-Encoding, a Content-Length per part", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const viewer = await MjpegClient.open(harness.httpPort, STREAM);
		await until(() => harness.receiver.viewers("cam").length === 1, "the viewer");
		const frames = [syntheticJpeg(1000, 1), syntheticJpeg(2345, 2), syntheticJpeg(17, 3)];
		for (const frame of frames) camera.frame(frame);
		await until(() => viewer.parts.length === 3, "3 parts");

		const expected = Buffer.concat([
			Buffer.from(
				"HTTP/1.1 200 OK\r\n" +
				"Content-Type: multipart/x-mixed-replace;boundary=xscamframe\r\n" +
				"Cache-Control: no-cache, no-store, must-revalidate\r\n" +
				"Pragma: no-cache\r\n" +
				"Connection: close\r\n" +
				"\r\n" +
				"--xscamframe\r\n"),
			...frames.flatMap((jpeg) => [
				Buffer.from("Content-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n"),
				jpeg,
				Buffer.from("\r\n--xscamframe\r\n"), // the next boundary at once: browsers show a part when it is closed
			]),
		]);
		expect(viewer.raw().toString("latin1")).toBe(expected.toString("latin1"));
		expect(viewer.head).not.toMatch(/transfer-encoding/i);
		expect(viewer.parts.map((part) => part.headers["content-length"])).toEqual(["1000", "2345", "17"]);
		await viewer.close();
		await camera.close();
	});

	it("starts a new viewer with the latest frame at once", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		camera.frame(syntheticJpeg(300, 1));
		camera.frame(syntheticJpeg(400, 2));
		await until(() => harness.receiver.status("cam")!.frames.received === 2, "2 frames");
		const viewer = await MjpegClient.open(harness.httpPort, STREAM);
		await until(() => viewer.parts.length === 1, "the latest frame");
		expect(viewer.parts[0].jpeg.equals(syntheticJpeg(400, 2))).toBe(true);
		await viewer.close();
		await camera.close();
	});

	it("answers HEAD with the headers only, and an unknown camera with a JSON 404", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const head = await fetch(harness.base + STREAM, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe("multipart/x-mixed-replace;boundary=xscamframe");
		const missing = await fetch(harness.base + "/cameras/nobody/stream.mjpeg");
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ code: "XSCAM_ERR_CAMERA_NOT_FOUND" });
		await camera.close();
	});
});

describe("fan-out", () => {
	it("sends every frame to every viewer, and keeps viewers attached while the camera reconnects", async () => {
		harness = await startReceiver();
		const first = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		const viewers = await Promise.all(Array.from({ length: 8 }, () => MjpegClient.open(harness.httpPort, STREAM)));
		await until(() => harness.receiver.status("cam")!.viewers === 8, "8 viewers");
		for (let n = 0; n < 5; n++) first.frame(syntheticJpeg(3000 + n));
		await until(() => viewers.every((viewer) => viewer.parts.length === 5), "5 parts each");
		// the camera goes away and comes back: the viewers stay and get its new frames
		await first.close();
		await until(() => harness.receiver.status("cam")!.online === false, "offline");
		const second = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		second.frame(syntheticJpeg(5000));
		await until(() => viewers.every((viewer) => viewer.parts.length === 6), "a 6th part each");
		for (const viewer of viewers) expect(viewer.parts.map((part) => part.jpeg.length)).toEqual([3000, 3001, 3002, 3003, 3004, 5000]);
		await Promise.all(viewers.map((viewer) => viewer.close()));
		await until(() => harness.receiver.status("cam")!.viewers === 0, "no viewers");
		await second.close();
	});

	it("a viewer that stops reading skips frames, holds at most one part, does not delay a fast viewer, and is dropped after the stall timeout", async () => {
		const stallMs = 10_000;
		harness = await startReceiver({ viewerStallMs: stallMs });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const fast = await MjpegClient.open(harness.httpPort, STREAM);
		const slow = await MjpegClient.open(harness.httpPort, STREAM, { paused: true }); // reads nothing, ever
		await until(() => harness.receiver.viewers("cam").length === 2, "both viewers");
		const infoOf = (client: MjpegClient) =>
			harness.receiver.viewers("cam").find((viewer) => viewer.remote.endsWith(":" + client.socket.localPort));

		const frameBytes = 256 * 1024;
		const partBytes = frameBytes + 100;
		let sent = 0;
		// 1. Stream until the slow viewer's socket is full (the kernel's buffers hold a few MB on loopback)
		//    and a stall timeout passes without its drain: then it must be gone.
		while (infoOf(slow) !== undefined) {
			expect(sent, "frames sent before the slow viewer was dropped").toBeLessThan(400);
			camera.frame(syntheticJpeg(frameBytes, (sent % 200) + 1));
			sent++;
			// 2. the fast viewer gets every frame, however far behind the slow one is
			await until(() => fast.parts.length === sent && infoOf(fast)?.waiting === false, "frame " + sent + " at the fast viewer");
			const slowInfo = infoOf(slow);
			// 3. memory per viewer is bounded: one part in the socket's buffer (plus what is under its high-water mark)
			if (slowInfo !== undefined) expect(slowInfo.bufferedBytes).toBeLessThanOrEqual(partBytes + HIGH_WATER_MARK);
			if (slowInfo !== undefined && slowInfo.skipped > 0) harness.clock.advance(SECOND_PER_FRAME); // it is behind: let time pass
			await new Promise((resolve) => setImmediate(resolve)); // a drop closes the socket on a later turn
		}
		await slow.close(); // it never reads, so it would never see the receiver's FIN: the server side is what counts
		expect(fast.parts.map((part) => part.jpeg[6])).toEqual(Array.from({ length: sent }, (_, n) => (n % 200) + 1)); // all, in order
		expect(fast.socket.destroyed).toBe(false);
		const dropped = harness.lines.find((line) => line.msg.includes("dropped"));
		expect(dropped).toMatchObject({ level: WARN, camera: "cam" });
		expect(harness.receiver.status("cam")!.viewers).toBe(1);
		const metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toMatch(/^xscam_viewers_dropped_total\{camera="cam"\} 1$/m);
		expect(metrics).toMatch(/^xscam_viewer_frames_skipped_total\{camera="cam"\} [1-9]\d*$/m);
		await fast.close();
		await camera.close();
	}, 30_000); // hundreds of 256 KB frames through real sockets, on a machine that may be busy

	// what a viewer's machine acknowledged is read from Linux's /proc/net/tcp: elsewhere the bound is the old, looser one
	it.runIf(existsSync("/proc/net/tcp"))("a viewer that never reads is dropped once it has taken nothing for the stall timeout, however much the kernel would buffer", async () => {
		const stallMs = 20_000; // the default
		harness = await startReceiver({ viewerStallMs: stallMs });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const fast = await MjpegClient.open(harness.httpPort, STREAM);
		const slow = await MjpegClient.open(harness.httpPort, STREAM, { paused: true }); // reads nothing, ever
		await until(() => harness.receiver.viewers("cam").length === 2, "both viewers");
		const joined = harness.clock.now();
		const slowPort = slow.socket.localPort;
		const slowThere = () => harness.receiver.viewers("cam").some((viewer) => viewer.remote.endsWith(":" + slowPort));
		// 1. a camera at 10 fps with 10 KB frames: the megabytes the kernel's send buffer holds would take
		//    minutes to fill, so a bound that waited for them would be far off
		for (let n = 1; slowThere() && harness.clock.now() - joined < 60_000; n++) {
			camera.frame(syntheticJpeg(10_000, (n % 200) + 1));
			await until(() => fast.parts.length === n, "frame " + n + " at the fast viewer");
			harness.clock.advance(100);
			await new Promise((resolve) => setTimeout(resolve, 10)); // real time for the samples, whose tables are read in the background
		}
		// 2. gone within the timeout and two samples (an eighth of it each), plus the second its own receive window took
		const gone = harness.clock.now() - joined;
		expect(slowThere()).toBe(false);
		expect(gone).toBeGreaterThanOrEqual(stallMs);
		expect(gone).toBeLessThanOrEqual(stallMs + 2 * (stallMs / 8) + 1000);
		expect(fast.socket.destroyed).toBe(false);
		await slow.close();
		await fast.close();
		await camera.close();
	}, 30_000);

	it("a viewer that reads slowly but keeps reading is not dropped", async () => {
		harness = await startReceiver({ viewerStallMs: 1000 });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const viewer = await MjpegClient.open(harness.httpPort, STREAM);
		await until(() => harness.receiver.viewers("cam").length === 1, "the viewer");
		for (let n = 1; n <= 20; n++) {
			camera.frame(syntheticJpeg(64 * 1024, n));
			await until(() => viewer.parts.length === n, "frame " + n);
			harness.clock.advance(900); // less than the stall timeout between drains
		}
		expect(viewer.socket.destroyed).toBe(false);
		await viewer.close();
		await camera.close();
	});
});
