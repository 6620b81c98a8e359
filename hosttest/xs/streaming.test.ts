// The unchanged firmware (src/main.ts) in the XS engine: it starts on a valid config, joins the
// simulated Wi-Fi, connects, and streams; every byte it writes goes through the shared decoder, and the
// JPEG in each frame is exactly the camera's. One crank of the board's clock is one frame.

import { afterEach, expect, it } from "vitest";
import { describeControls } from "../../src/app/control";
import { OV2640 } from "../../src/camera/sensors/ov2640";
import { frameNumberOf } from "../host/marked-jpeg";
import { bootRig, crankUntil, FRAME_INTERVAL, RECEIVER, sameBytes } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import type { XsDevice } from "./xs-device";

let device: XsDevice | undefined;

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	expect(stderr ?? "").toBe(""); // an unhandled rejection in XS shows only here
});

it("joins, connects, and streams the camera's JPEGs through the decoder, one frame per crank", async () => {
	const receiver = new DecoderReceiver(RECEIVER);
	const rig = await bootRig({ network: receiver, frameBytes: 10_000 });
	device = rig.device;

	// 1. The station joins (300 + 200 ms), the connection says hello and is welcomed: streaming.
	const cranks = await crankUntil(device, () => receiver.frameCount > 0, 100);
	expect(cranks).toBeLessThan(100);
	expect(device.trace).toContain("xscam: wifi up 192.168.4.2 -60 dBm\n");
	expect(device.trace).toContain("xscam: streaming to 192.168.4.1:8700\n");

	// 2. From then on, each crank captures one frame and sends it whole.
	for (let crank = 0; crank < 40; crank++) {
		const before = receiver.frameCount;
		await device.advance(FRAME_INTERVAL);
		expect(receiver.frameCount).toBe(before + 1);
	}

	// 3. The bytes: a valid hello first, the sensor's settings as the firmware describes them, then frames
	//    in order whose JPEGs are the camera's own.
	expect(receiver.messages[0]).toMatchObject({ type: "hello", id: "cam-1", board: "esp32cam", sensor: "OV2640", width: 320, height: 240 });
	expect(receiver.messages[1]).toEqual({ type: "capabilities", controls: describeControls(OV2640) });
	expect(receiver.frames.length).toBeGreaterThanOrEqual(41);
	for (const [index, frame] of receiver.frames.entries()) {
		expect(frame.seq).toBe(index);
		expect([frame.width, frame.height]).toEqual([320, 240]);
		expect(sameBytes(frame.jpeg, rig.captured.get(frameNumberOf(frame.jpeg)))).toBe(true);
	}

	// 4. Every frame the camera gave out came back, once, and the sensor was never probed (AWB stays on).
	const { cameraCounts, sensor } = await device.report();
	expect(cameraCounts.read).toBe(cameraCounts.closed);
	expect(cameraCounts).toMatchObject({ closedTwice: 0, written: 0, poolFull: 0 });
	expect(sensor).toMatchObject({ probed: false, autoWhiteBalance: true });
});

it("authenticates with the SDK's crypt and hmac modules in XS, then streams", async () => {
	const key = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
	const receiver = new DecoderReceiver({ ...RECEIVER, key });
	device = (await bootRig({ network: receiver, manifest: { key: Buffer.from(key).toString("hex") } })).device;
	await crankUntil(device, () => receiver.frameCount > 3, 200);
	expect(receiver.messages.map((message) => message.type).slice(0, 3)).toEqual(["hello", "auth", "capabilities"]);
	expect(receiver.frameCount).toBeGreaterThan(3); // the receiver checked the device's proof, the device the receiver's
});
