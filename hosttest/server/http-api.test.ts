// The HTTP API over loopback: snapshots, status JSON, control requests that travel to the camera through
// the protocol and whose answer comes back to the HTTP caller, their errors, /metrics and the page.
import { afterEach, describe, expect, it } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { FakeCamera, OV2640_CONTROLS } from "./helpers/fake-camera";
import { json, postJson, startReceiver, syntheticJpeg, until } from "./helpers/harness";
import type { Harness } from "./helpers/harness";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});


const post = (path: string, body: unknown) => postJson(harness, path, body);

describe("snapshot and status", () => {
	it("serves the latest frame as a JPEG", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const early = await fetch(harness.base + "/cameras/cam/snapshot.jpg");
		expect(early.status).toBe(404);
		expect(await early.json()).toMatchObject({ code: "XSCAM_ERR_NO_FRAME" });
		const stamp = harness.clock.now() - 40; // the camera's stamp, on the receiver's clock as the welcome told it
		camera.frame(syntheticJpeg(700, 1), { captureTime: stamp - 100 });
		camera.frame(syntheticJpeg(800, 2), { captureTime: stamp });
		await until(() => harness.receiver.status("cam")!.frames.received === 2, "2 frames");
		const snapshot = await fetch(harness.base + "/cameras/cam/snapshot.jpg");
		expect(snapshot.headers.get("content-type")).toBe("image/jpeg");
		expect(snapshot.headers.get("cache-control")).toMatch(/no-cache/);
		expect(snapshot.headers.get("x-capture-time")).toBe(new Date(stamp).toISOString());
		expect(Buffer.from(await snapshot.arrayBuffer()).equals(syntheticJpeg(800, 2))).toBe(true);
		await camera.close();
	});

	it("gives a JSON status per camera and a list of all", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam", { width: 640, height: 480, firmware: "0.1.0", sensor: "OV2640" });
		camera.stats();
		camera.frame(syntheticJpeg(1000), { width: 640, height: 480, captureTime: harness.clock.now() - 25 });
		await until(() => harness.receiver.status("cam")!.frames.received === 1, "a frame");
		harness.clock.advance(40);
		const status = await (await fetch(harness.base + "/api/cameras/cam")).json();
		expect(status).toEqual({
			id: "cam", online: true, remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/), since: new Date(harness.clock.now() - 40).toISOString(),
			lastError: null, firmware: "0.1.0", board: "test", sensor: "OV2640", width: 640, height: 480, fps: 0, kbps: 0,
			frames: { received: 1, lost: 0, bad: 0, droppedOnDevice: 10, misdated: 0 }, lastFrameAgeMs: 40, latencyMs: 25, rssi: -61, uptime: 60,
			freeHeap: 123456, reconnects: 0, deviceReconnects: 1, viewers: 0, recording: { state: "off" }, described: true, updatable: false, update: null,
		});
		const list = await (await fetch(harness.base + "/api/cameras")).json();
		expect(list).toEqual({ cameras: [status] });
		const missing = await fetch(harness.base + "/api/cameras/nope");
		expect(missing.status).toBe(404);
		expect(await missing.json()).toMatchObject({ statusCode: 404, code: "XSCAM_ERR_CAMERA_NOT_FOUND", message: "no camera \"nope\"" });
		await camera.close();
	});
});

describe("control", () => {
	it("sends a control message to the camera and returns the camera's answer", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		// the camera applies what it can, stores the frame size, and refuses what it cannot do now
		camera.answerControls((settings) => ({
			applied: { brightness: settings.brightness },
			pending: { frameSize: settings.frameSize },
			refused: { whiteBalance: "the camera refused: sensor busy" },
		}));
		const response = await post("/api/cameras/cam/control", { brightness: 1, frameSize: "vga", whiteBalance: 3 });
		expect(response.status).toBe(200);
		const answer = await json(response);
		expect(answer).toEqual({
			requestId: expect.any(Number), applied: { brightness: 1 }, pending: { frameSize: "VGA" }, refused: { whiteBalance: "the camera refused: sensor busy" },
		});
		// what the camera announced decides the spelling: "vga" goes as "VGA"
		const sent = camera.received.find((message) => message.type === "control");
		expect(sent).toEqual({ type: "control", requestId: answer.requestId, settings: { brightness: 1, frameSize: "VGA", whiteBalance: 3 } });
		// a second request gets a new id
		const again = await json(await post("/api/cameras/cam/control", { frameRate: 12.5 }));
		expect(again.requestId).not.toBe(answer.requestId);
		await camera.close();
	});

	it("forwards a camera that announced nothing (a v1 device) its settings as given: the camera answers every key", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "old", {}, "none");
		camera.answerControls((settings) => ({ applied: { brightness: settings.brightness }, refused: { denoise: "not a setting of this camera" } }));
		const answer = await json(await post("/api/cameras/old/control", { brightness: 1, denoise: 3 }));
		expect(answer).toMatchObject({ applied: { brightness: 1 }, pending: {}, refused: { denoise: "not a setting of this camera" } });
		const bad = await post("/api/cameras/old/control", { brightness: { level: 1 } });
		expect(bad.status).toBe(400); // still a number or a string, as the protocol carries
		expect(await json(await fetch(harness.base + "/api/cameras/old/controls"))).toEqual({ controls: null });
		expect(harness.receiver.status("old")!.described).toBe(false);
		await camera.close();
	});

	it.each([
		["missing a key it was asked", { applied: { brightness: 1 } }, "no answer for contrast"],
		["answering a key never asked", { applied: { brightness: 1, contrast: 0, zoom: 2 } }, "answers zoom, never asked"],
		["answering a key twice", { applied: { brightness: 1, contrast: 0 }, refused: { contrast: "busy" } }, "answers contrast more than once"],
	])("answers 502 for a control result %s, naming what is wrong", async (_name, result, problem) => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		camera.answerControls(() => result);
		const response = await post("/api/cameras/cam/control", { brightness: 1, contrast: 0 });
		expect(response.status).toBe(502);
		const error = await json(response);
		expect(error).toMatchObject({ code: "XSCAM_ERR_BAD_CONTROL_RESULT" });
		expect(error.message).toContain(problem);
		await camera.close();
	});

	it.each([
		["not an object", [1, 2]],
		["empty", {}],
		["an unknown setting", { exposure: 3 }],
		["a setting this camera's sensor lacks", { sharpness: 1 }],
		["brightness out of range", { brightness: 3 }],
		["a fractional integer", { contrast: 0.5 }],
		["a string number", { saturation: "1" }],
		["frame rate zero", { frameRate: 0 }],
		["an unknown frame size", { frameSize: "8K" }],
	])("refuses a body that is %s with a clear 400, sending nothing", async (_name, body) => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const response = await post("/api/cameras/cam/control", body);
		expect(response.status).toBe(400);
		const error = await json(response);
		expect(error).toMatchObject({ statusCode: 400, code: "XSCAM_ERR_BAD_CONTROL" });
		expect(error.message).toMatch(/^bad control request: /);
		expect(camera.received.some((message) => message.type === "control")).toBe(false);
		await camera.close();
	});

	it("refuses JSON that does not parse, and bodies over the limit", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const broken = await fetch(harness.base + "/api/cameras/cam/control", { method: "POST", headers: { "content-type": "application/json" }, body: "{brightness" });
		expect(broken.status).toBe(400);
		const huge = await post("/api/cameras/cam/control", { frameSize: "x".repeat(20_000) });
		expect(huge.status).toBe(413);
		await camera.close();
	});

	it("answers 504 when the camera does not answer within the control timeout", async () => {
		harness = await startReceiver({ controlTimeoutMs: 3000 });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		// 1. the request goes out and reaches the camera, which stays silent
		const pending = post("/api/cameras/cam/control", { brightness: -1 });
		const control = await camera.take("control");
		// 2. time passes on the receiver's clock
		harness.clock.advance(3000);
		const response = await pending;
		expect(response.status).toBe(504);
		expect(await response.json()).toMatchObject({
			code: "XSCAM_ERR_CONTROL_TIMEOUT", message: "camera cam did not answer control request " + control.requestId + " within 3000 ms",
		});
		// 3. a late answer is ignored, and the connection stays
		camera.send({ type: "controlResult", requestId: control.requestId, applied: { brightness: -1 }, pending: {}, refused: {} });
		camera.frame(syntheticJpeg(100));
		await until(() => harness.receiver.status("cam")!.frames.received === 1, "a frame after the late answer");
		await camera.close();
	});

	it("answers 503 when the camera is offline, or goes offline before answering", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const pending = post("/api/cameras/cam/control", { whiteBalance: 2 });
		await camera.take("control");
		await camera.close();
		const aborted = await pending;
		expect(aborted.status).toBe(503);
		expect(await aborted.json()).toMatchObject({ code: "XSCAM_ERR_CONTROL_ABORTED" });
		const offline = await post("/api/cameras/cam/control", { whiteBalance: 2 });
		expect(offline.status).toBe(503);
		expect(await offline.json()).toMatchObject({ code: "XSCAM_ERR_CAMERA_OFFLINE" });
	});

	it("answers 429 beyond 16 requests waiting for one camera", async () => {
		harness = await startReceiver({ controlTimeoutMs: 60_000 });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		// 16 requests the camera leaves unanswered, sent at the rate one client may send them (5 a second)
		const waiting: Promise<Response>[] = [];
		for (let n = 0; n < 16; n++) {
			if (n > 0 && n % 5 === 0) harness.clock.advance(1000);
			waiting.push(post("/api/cameras/cam/control", { brightness: 1 }));
			await until(() => camera.received.filter((message) => message.type === "control").length === n + 1, "control " + (n + 1) + " at the camera");
		}
		harness.clock.advance(1000);
		const refused = await post("/api/cameras/cam/control", { brightness: 1 });
		expect(refused.status).toBe(429);
		expect(await json(refused)).toMatchObject({ code: "XSCAM_ERR_CONTROL_BUSY" });
		harness.clock.advance(60_000);
		expect((await Promise.all(waiting)).map((response) => response.status)).toEqual(Array(16).fill(504));
		await camera.close();
	});


	it("publishes what each camera announced, which the page builds its panel from", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		await until(() => harness.receiver.status("cam")!.described, "the capabilities");
		const { controls } = await json(await fetch(harness.base + "/api/cameras/cam/controls"));
		expect(controls).toEqual(OV2640_CONTROLS);
		expect(controls.map((rule: { key: string }) => rule.key)).toEqual(["frameRate", "brightness", "contrast", "saturation", "whiteBalance", "frameSize",
			"restart", "server", "port", "ssid", "password", "networkFrom"]); // then the move's, which the page puts in its own form
		expect(controls.find((rule: { key: string }) => rule.key === "password")).toMatchObject({ kind: "text", secret: true, applies: "after a trial" });
		expect(controls.find((rule: { key: string }) => rule.key === "frameSize")).toMatchObject({ applies: "next start", choices: expect.arrayContaining(["QVGA", "VGA", "UXGA"]) });
		const missing = await fetch(harness.base + "/api/cameras/nobody/controls");
		expect(missing.status).toBe(404);
		await camera.close();
	});
});

describe("forgetting a camera", () => {
	const remove = (id: string, headers: { [name: string]: string } = {}) => fetch(harness.base + "/api/cameras/" + id, { method: "DELETE", headers });

	it("forgets an offline camera (204), refuses an online one (409) and an unknown one (404)", async () => {
		harness = await startReceiver();
		const unknown = await remove("nobody");
		expect(unknown.status).toBe(404);
		expect(await json(unknown)).toMatchObject({ code: "XSCAM_ERR_CAMERA_NOT_FOUND" });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		camera.frame(syntheticJpeg(500));
		await until(() => harness.receiver.status("cam")!.frames.received === 1, "a frame");
		const online = await remove("cam");
		expect(online.status).toBe(409);
		expect(await json(online)).toMatchObject({ statusCode: 409, code: "XSCAM_ERR_CAMERA_ONLINE", message: "camera cam is online: only an offline camera can be removed" });
		expect(harness.receiver.status("cam")!.online).toBe(true);
		await camera.close();
		await until(() => harness.receiver.status("cam")!.online === false, "the camera offline");
		const removed = await remove("cam");
		expect(removed.status).toBe(204);
		expect(await removed.text()).toBe("");
		expect(harness.lines.find((line) => line.msg === "camera cam removed by anyone (--insecure-viewers)")).toMatchObject({ camera: "cam" });
		// 1. gone from the status, the list, the snapshot and the metrics
		expect(harness.receiver.status("cam")).toBeUndefined();
		expect(await json(await fetch(harness.base + "/api/cameras"))).toEqual({ cameras: [] });
		expect((await fetch(harness.base + "/cameras/cam/snapshot.jpg")).status).toBe(404);
		expect(await (await fetch(harness.base + "/metrics")).text()).not.toContain("camera=\"cam\"");
		expect((await remove("cam")).status).toBe(404);
		// 2. a camera that connects with its id again is a new one: no counters, no frame
		const { camera: again } = await FakeCamera.online(harness.ingestPort, "cam");
		await until(() => harness.receiver.status("cam")?.online === true, "the camera back");
		expect(harness.receiver.status("cam")).toMatchObject({ reconnects: 0, frames: { received: 0 }, lastFrameAgeMs: null });
		await again.close();
	});

	it("takes the control right", async () => {
		const access = new ViewerAccess(undefined);
		const viewer = access.addToken("vlc", ["view"]);
		const controller = access.addToken("home-assistant", ["view", "control"]);
		harness = await startReceiver({ insecureViewers: false, viewerAccess: access });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		await camera.close();
		await until(() => harness.receiver.status("cam")!.online === false, "the camera offline");
		expect((await remove("cam")).status).toBe(401);
		const forbidden = await remove("cam", { authorization: "Bearer " + viewer });
		expect(forbidden.status).toBe(403);
		expect(await json(forbidden)).toMatchObject({ code: "XSCAM_ERR_FORBIDDEN" });
		expect(harness.receiver.status("cam")).toBeDefined();
		expect((await remove("cam", { authorization: "Bearer " + controller })).status).toBe(204);
		expect(harness.receiver.status("cam")).toBeUndefined();
	});
});

describe("metrics and the page", () => {
	it("exports per-camera metrics in Prometheus text from this receiver's own registry", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		camera.stats({ dropped: 4 });
		camera.frame(syntheticJpeg(1000), { seq: 0 });
		camera.frame(syntheticJpeg(1000), { seq: 3 });
		await until(() => harness.receiver.status("cam")!.frames.received === 2, "2 frames");
		const response = await fetch(harness.base + "/metrics");
		expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
		const text = await response.text();
		for (const line of [
			'xscam_frames_received_total{camera="cam"} 2',
			'xscam_received_bytes_total{camera="cam"} 2000',
			'xscam_frames_lost_total{camera="cam"} 2',
			'xscam_device_frames_dropped_total{camera="cam"} 4',
			'xscam_camera_online{camera="cam"} 1',
			'xscam_viewers{camera="cam"} 0',
			"xscam_ingest_connections 1",
		]) expect(text).toContain("\n" + line + "\n");
		expect(text).not.toContain("process_cpu"); // process metrics are the CLI's, once per process
		await camera.close();
	});

	it("serves the web page and its assets, no CDN", async () => {
		harness = await startReceiver();
		const page = await fetch(harness.base + "/");
		expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
		const html = await page.text();
		expect(html).toContain('<script type="module" src="/app.js"></script>');
		expect(html).not.toMatch(/https?:\/\//);
		for (const [path, type] of [["/app.js", "text/javascript"], ["/style.css", "text/css"]]) {
			const asset = await fetch(harness.base + path);
			expect(asset.status).toBe(200);
			expect(asset.headers.get("content-type")).toMatch(new RegExp("^" + type));
		}
	});
});
