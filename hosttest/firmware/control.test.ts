// Control messages from the receiver, through the real connection: every key answered (applied, pending
// or refused with the reason), the frame-rate cap changing at once, sensor settings reaching the camera,
// and a frame size stored for the next start, which a second boot of the same board then uses.

import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import type { ControlSettings } from "../../src/protocol/types";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: TestReceiver;

beforeEach(async () => {
	receiver = new TestReceiver();
	await receiver.listen();
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver.close();
});

const control = (connection: number, requestId: number, settings: ControlSettings) => receiver.control(connection, requestId, settings);

it("answers every key: applied at once, pending until the next start, or refused with the reason", async () => {
	const board = deviceBoard({ port: receiver.port });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 1);
	const result = await control(1, 7, {
		frameRate: 2, brightness: 1, contrast: -2, frameSize: "vga",
		saturation: 5, sharpness: 1, whiteBalance: 1.5, hue: 3, denoise: 1,
	});
	expect(result).toEqual({
		type: "controlResult", requestId: 7,
		applied: { frameRate: 2, brightness: 1, contrast: -2 },
		pending: { frameSize: "VGA" },
		refused: {
			saturation: "must be an integer from -2 to 2",
			sharpness: "not a setting of this camera", // the OV2640 has none
			whiteBalance: "must be an integer from 0 to 4",
			hue: "not a setting of this camera",
			denoise: "not a setting of this camera",
		},
	});
	expect(board.sensor.registers.values).toMatchObject({ brightness: 1, contrast: -2 }); // they reached the sensor
	expect(device!.capture.frameRate).toBe(2);
});

it("caps the frame rate at once", async () => {
	device = await boot(deviceBoard({ port: receiver.port, sensorFps: 50, frameRate: 50 }));
	await receiver.until(() => receiver.frames.length >= 10);
	await control(1, 1, { frameRate: 1 });
	const after = receiver.frames.length;
	await new Promise((resolve) => setTimeout(resolve, 1600));
	expect(receiver.frames.length - after).toBeLessThanOrEqual(2); // 50 fps before, one a second now
});

it("opens the camera at the stored frame size on the next start", async () => {
	const board = deviceBoard({ port: receiver.port, frameSize: "QVGA" });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 1);
	await control(1, 1, { frameSize: "CIF" });
	device!.close();

	device = await boot(board); // the same board: its preferences survived the restart
	await receiver.until(() => receiver.messages.filter((message) => message.type === "hello").length === 2);
	const hello = receiver.messages.filter((message) => message.type === "hello")[1];
	expect(hello).toMatchObject({ width: 400, height: 296 });
});

it("lets a newly flashed frameSize win over an older choice by the receiver", async () => {
	const board = deviceBoard({ port: receiver.port, frameSize: "QVGA" });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 1);
	await control(1, 1, { frameSize: "CIF" });
	device!.close();

	board.config.manifest.frameSize = "HQVGA"; // reflashed with another configured size
	device = await boot(board);
	await receiver.until(() => receiver.messages.filter((message) => message.type === "hello").length === 2);
	expect(receiver.messages.filter((message) => message.type === "hello")[1]).toMatchObject({ width: 240, height: 176 });
});
