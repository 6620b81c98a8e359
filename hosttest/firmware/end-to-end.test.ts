// The unchanged firmware (src/main.ts) on the Node host: it joins the simulated access point, connects
// to a receiver over a real loopback socket, and the JPEG bytes that arrive are the camera's own.

import { afterEach, beforeEach, expect, it } from "vitest";
import { describeControls } from "../../src/app/control";
import type { Device } from "../../src/app/device";
import { FIRMWARE_VERSION } from "../../src/app/version";
import { OV2640 } from "../../src/camera/sensors/ov2640";
import { HELLO_FLAG_CAPABILITIES, HELLO_FLAG_UPDATES } from "../../src/protocol/constants";
import { encode } from "../../src/protocol/encoder";
import { frameNumberOf } from "../host/marked-jpeg";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: TestReceiver;

beforeEach(() => {
	receiver = new TestReceiver();
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver.close();
});

it("streams the camera's JPEG bytes, unchanged, to a decoder over loopback", async () => {
	const board = deviceBoard({ port: await receiver.listen() });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 20);

	const hello = receiver.messages.find((message) => message.type === "hello");
	expect(hello).toMatchObject({ id: "cam-1", board: "esp32cam", sensor: "OV2640", width: 320, height: 240, firmware: FIRMWARE_VERSION, flags: HELLO_FLAG_CAPABILITIES | HELLO_FLAG_UPDATES });
	// right after the hello, what this camera's OV2640 offers, from the firmware's own description
	expect(receiver.messages[1]).toEqual({ type: "capabilities", controls: describeControls(OV2640) });
	for (const frame of receiver.frames) {
		expect(frame.jpeg).toEqual(board.captured.get(frameNumberOf(frame.jpeg)));
		expect([frame.width, frame.height]).toEqual([320, 240]);
	}
	const numbers = receiver.frames.map((frame) => frameNumberOf(frame.jpeg));
	expect(numbers).toEqual([...numbers].sort((a, b) => a - b)); // in capture order
	expect(receiver.frames.map((frame) => frame.seq)).toEqual(receiver.frames.map((_, i) => i));
}, 20_000); // 20 frames in real time at 10 fps after a join and a handshake: 3 s alone, 6 s on a loaded machine

it("stops at start with one line naming the bad key, and never connects", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: await receiver.listen(), manifest: { frameSize: "8K" }, trace: (text) => lines.push(text) });
	device = await boot(board);
	expect(device).toBeUndefined();
	expect(lines).toEqual([expect.stringMatching(/^xscam: config: frameSize must be one of .*, got "8K"\n$/)]);
	await new Promise((resolve) => setTimeout(resolve, 200));
	expect(receiver.connections).toBe(0);
	expect(board.radio.connection).toBe(200); // did not even join
});

it("stops at start with one line when the sensor does not offer the configured frame size", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: await receiver.listen(), manifest: { frameSize: "QXGA" }, trace: (text) => lines.push(text) });
	device = await boot(board); // QXGA is a size of the driver's, but not of the OV2640 this board has
	expect(device).toBeUndefined();
	expect(lines).toEqual([expect.stringMatching(/^xscam: config: frameSize must be one of the OV2640's sizes, 96X96, .*, UXGA, got "QXGA"\n$/)]);
	expect(board.radio.connection).toBe(200);
});

it("describes the sensor from its own description and never probes it, so auto white balance stays on until a viewer changes a sensor setting", async () => {
	const board = deviceBoard({ port: await receiver.listen() });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 3);
	receiver.send(1, encode({ type: "control", requestId: 1, settings: { frameRate: 20, frameSize: "VGA" } }));
	await receiver.until(() => receiver.messages.some((message) => message.type === "controlResult"));
	expect(board.sensor.registers).toMatchObject({ probed: false, autoWhiteBalance: true });
	// a sensor setting: the SDK probes the sensor, and on the OV2640 that switches AWB off (docs/hardware.md)
	receiver.send(1, encode({ type: "control", requestId: 2, settings: { brightness: 1 } }));
	await receiver.until(() => receiver.messages.filter((message) => message.type === "controlResult").length === 2);
	expect(board.sensor.registers).toMatchObject({ probed: true, autoWhiteBalance: false, values: { brightness: 1 } });
});

it("stops streaming when the Wi-Fi drops, and resumes on a new connection when it is back", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: await receiver.listen(), trace: (text) => lines.push(text) });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 3);
	board.radio.accessPoints[0].outage(1500);
	await receiver.until(() => receiver.connections === 2 && receiver.frames.some((frame) => frame.connection === 2));
	expect(lines.filter((line) => line.startsWith("xscam: wifi up"))).toHaveLength(2);
	expect(lines.some((line) => line.startsWith("xscam: wifi down; retry in"))).toBe(true);
	expect(board.cameraCounts.poolFull).toBe(0); // frames kept flowing (and were closed) while offline
}, 20_000);
