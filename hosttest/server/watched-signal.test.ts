// The `watched` control (server/viewers/watched-signal.ts): a camera that announced the flash LED is
// told, after its welcome, whether anyone watches it, and again each time its viewers (MJPEG and RTSP
// together) go from none to some or back; a camera without the LED is never told.

import { afterEach, expect, it } from "vitest";
import type { ControlDescription, ServerMessage } from "../../src/protocol/types";
import { CHECK_MS } from "../../server/viewers/watched-signal";
import { FakeCamera, OV2640_CONTROLS } from "./helpers/fake-camera";
import { startReceiver, until, type Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";
import { RtspClient } from "./helpers/rtsp-client";

const FLASH: ControlDescription[] = [
	{ key: "flash", label: "flash LED", kind: "choice", choices: ["off", "on", "watching"], applies: "now" },
	{ key: "flashBrightness", label: "flash brightness (%)", kind: "integer", min: 1, max: 25, applies: "now" },
];
const STREAM = "/cameras/cam/stream.mjpeg";

let harness: Harness;

afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

/** The settings of every control message the camera got, in order. */
const controls = (camera: FakeCamera) => camera.received
	.filter((message): message is Extract<ServerMessage, { type: "control" }> => message.type === "control")
	.map((message) => ({ ...message.settings }));

/** A camera online with `announced`, answering every control as applied. */
async function camera(announced: ControlDescription[]): Promise<FakeCamera> {
	harness = await startReceiver();
	const { camera } = await FakeCamera.online(harness.ingestPort, "cam", {}, announced);
	camera.answerControls((settings) => ({ applied: settings }));
	return camera;
}

/** Lets the check run, then lets what it sent reach the camera. */
async function check(): Promise<void> {
	harness.clock.advance(CHECK_MS);
	await new Promise((resolve) => setTimeout(resolve, 50)); // loopback delivery; nothing here waits on the time it takes
}

it("tells a camera with the LED that nobody watches, then each time MJPEG viewers come and go", async () => {
	const cam = await camera([...OV2640_CONTROLS, ...FLASH]);
	await until(() => controls(cam).length === 1, "the state after the welcome");
	expect(controls(cam)).toEqual([{ watched: 0 }]);

	const first = await MjpegClient.open(harness.httpPort, STREAM);
	await until(() => harness.receiver.viewers("cam").length === 1, "the first viewer");
	await check();
	await until(() => controls(cam).length === 2, "watched 1");
	const second = await MjpegClient.open(harness.httpPort, STREAM);
	await until(() => harness.receiver.viewers("cam").length === 2, "the second viewer");
	await check();
	await first.close();
	await until(() => harness.receiver.viewers("cam").length === 1, "the first viewer gone");
	await check();
	expect(controls(cam)).toEqual([{ watched: 0 }, { watched: 1 }]); // one viewer or two, and one left: still watched

	await second.close();
	await until(() => harness.receiver.viewers("cam").length === 0, "the last viewer gone");
	await check();
	await until(() => controls(cam).length === 3, "watched 0");
	expect(controls(cam)).toEqual([{ watched: 0 }, { watched: 1 }, { watched: 0 }]);
});

it("counts RTSP clients that play as viewers", async () => {
	const cam = await camera(FLASH);
	await until(() => controls(cam).length === 1, "the state after the welcome");
	const client = await RtspClient.open(harness.rtspPort);
	await client.play("rtsp://127.0.0.1:" + harness.rtspPort + "/cam");
	await check();
	await until(() => controls(cam).length === 2, "watched 1");
	await client.close();
	await check();
	await until(() => controls(cam).length === 3, "watched 0");
	expect(controls(cam)).toEqual([{ watched: 0 }, { watched: 1 }, { watched: 0 }]);
});

it("tells a camera that comes back the state at once, after its new welcome", async () => {
	const cam = await camera(FLASH);
	const viewer = await MjpegClient.open(harness.httpPort, STREAM);
	await until(() => harness.receiver.viewers("cam").length === 1, "the viewer");
	await check();
	await until(() => controls(cam).length === 2, "watched 1");
	await cam.close(); // the viewer stays, waiting for the camera
	await until(() => harness.receiver.status("cam")!.online === false, "the camera offline");

	const { camera: again } = await FakeCamera.online(harness.ingestPort, "cam", {}, FLASH);
	again.answerControls((settings) => ({ applied: settings }));
	await until(() => controls(again).length === 1, "the state after the new welcome");
	expect(controls(again)).toEqual([{ watched: 1 }]);
	await viewer.close();
});

it("never tells a camera that did not announce the LED", async () => {
	const cam = await camera(OV2640_CONTROLS);
	const viewer = await MjpegClient.open(harness.httpPort, STREAM);
	await until(() => harness.receiver.viewers("cam").length === 1, "the viewer");
	await check();
	await viewer.close();
	await until(() => harness.receiver.viewers("cam").length === 0, "the viewer gone");
	await check();
	expect(controls(cam)).toEqual([]);
});
