// Every board of scripts/boards.ts, booted on the Node host with its own sensor: the unchanged firmware
// learns the sensor from the camera and announces the board's name, that sensor, its frame sizes and
// its settings' ranges, which are held here to the simulated hardware's (modules/sim/camera/
// sensor-models.ts), not to the firmware's own description. Then the two sensors side by side: what one
// board takes, the other refuses.

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { FRAME_SIZES } from "../../src/camera/frame-sizes";
import { encode } from "../../src/protocol/encoder";
import type { ChoiceControl, ControlResult, DeviceMessage, RangeControl } from "../../src/protocol/types";
import { SENSOR_MODELS } from "../../modules/sim/camera/sensor-models";
import { BOARDS, type BoardProfile } from "../../scripts/boards";
import { boot } from "./boot";
import { deviceBoard, type DeviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: TestReceiver;
let traced: string;

beforeEach(async () => {
	receiver = new TestReceiver();
	await receiver.listen();
	traced = "";
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver.close();
});

function profile(name: string): BoardProfile {
	return BOARDS.find((board) => board.name === name)!;
}

/** A board as `npm run flash -- --board <name>` builds it: its manifest names it; its sensor is its own. */
function boardFor(board: BoardProfile, frameSize = "QVGA"): DeviceBoard {
	return deviceBoard({ port: receiver.port, sensorModel: board.sensor, frameSize, manifest: { board: board.name }, trace: (text) => void (traced += text) });
}

async function announced(): Promise<{ hello: DeviceMessage & { type: "hello" }; controls: (DeviceMessage & { type: "capabilities" })["controls"] }> {
	const find = <T extends DeviceMessage["type"]>(type: T) => receiver.messages.find((message): message is DeviceMessage & { type: T } => message.type === type);
	await receiver.until(() => find("hello") !== undefined && find("capabilities") !== undefined);
	return { hello: find("hello")!, controls: find("capabilities")!.controls };
}

async function control(requestId: number, settings: { [key: string]: number | string }): Promise<ControlResult> {
	receiver.send(1, encode({ type: "control", requestId, settings }));
	const answered = () => receiver.messages.find((message): message is ControlResult => message.type === "controlResult" && message.requestId === requestId);
	await receiver.until(() => answered() !== undefined);
	return answered()!;
}

describe.each(BOARDS)("the $title", (board) => {
	it("announces its own name, its sensor, and the sensor's sizes and ranges", async () => {
		const hardware = SENSOR_MODELS[board.sensor];
		expect(hardware).toBeDefined(); // a board whose sensor the simulators do not play cannot be tested here
		device = await boot(boardFor(board));
		const { hello, controls } = await announced();
		expect(hello).toMatchObject({ board: board.name, sensor: board.sensor, width: 320, height: 240 });

		// the sensor's: ranges, beside the device's own (the frame-rate cap, a move's port, the flash LED's)
		const sensorSettings = controls.filter((entry): entry is RangeControl => entry.kind === "integer" && entry.applies === "now" && !entry.key.startsWith("flash"));
		expect(Object.fromEntries(sensorSettings.map((entry) => [entry.key, [entry.min, entry.max]]))).toEqual(hardware.ranges);
		const sizes = (controls.find((entry) => entry.key === "frameSize") as ChoiceControl).choices;
		expect(FRAME_SIZES[sizes[sizes.length - 1]]).toEqual(hardware.maxSize);
	});
});

// The host renders one 3-megapixel test pattern for it: seconds on a busy machine.
it("opens an OV3660 board at QXGA, a size the ESP32-CAM's OV2640 refuses at start", { timeout: 60_000 }, async () => {
	device = await boot(boardFor(profile("m5atom_s3r_m12"), "QXGA"));
	expect((await announced()).hello).toMatchObject({ width: 2048, height: 1536 });
	device!.close();
	device = undefined;

	device = await boot(boardFor(profile("esp32cam"), "QXGA"));
	expect(device).toBeUndefined(); // stopped at start, with one line
	expect(traced).toContain("xscam: config: frameSize must be one of the OV2640's sizes, 96X96, QQVGA,");
	expect(traced).toContain("SXGA, UXGA, got \"QXGA\"");
});

it("takes each sensor's own ranges from the receiver: what the OV3660 applies, the OV2640 refuses", async () => {
	const settings = { brightness: 3, saturation: -4, sharpness: 2, denoise: 5 };
	const m12 = boardFor(profile("m5atom_s3r_m12"));
	device = await boot(m12);
	await announced();
	expect(await control(1, settings)).toMatchObject({ applied: settings, refused: {} });
	expect(m12.sensor.registers.values).toMatchObject(settings); // they reached the sensor
	device!.close();
	await receiver.close();
	receiver = new TestReceiver();
	await receiver.listen();

	const esp32cam = boardFor(profile("esp32cam"));
	device = await boot(esp32cam);
	await announced();
	expect(await control(1, settings)).toMatchObject({
		applied: {},
		refused: {
			brightness: "must be an integer from -2 to 2", saturation: "must be an integer from -2 to 2",
			sharpness: "not a setting of this camera", denoise: "not a setting of this camera",
		},
	});
	expect(esp32cam.sensor.registers.values).toEqual({});
});
