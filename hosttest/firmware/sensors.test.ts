// What the firmware believes each sensor offers (src/camera/sensors/) against how the simulated
// hardware behaves (modules/sim/camera/sensor-models.ts): the same settings with the same ranges, and
// frame sizes the driver captures as asked. A description that promised more than the sensor does
// would be announced to the receiver and then refused, or worse, silently ignored by configure().

import { describe, expect, it } from "vitest";
import { FRAME_SIZES } from "../../src/camera/frame-sizes";
import { describeSensor } from "../../src/camera/sensors/index";
import { OV2640 } from "../../src/camera/sensors/ov2640";
import { OV3660 } from "../../src/camera/sensors/ov3660";
import { SENSOR_MODELS, snap } from "../../modules/sim/camera/sensor-models";
import { describeControls } from "../../src/app/control";
import { HEADER_BYTES, MAX_JSON_BYTES } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import type { Message } from "../../src/protocol/types";

/** The receiver's decoder: it checks every field of a description (src/protocol/controls.ts). */
function decodeAll(bytes: Uint8Array): Message[] {
	const messages: Message[] = [];
	new Decoder({ from: "device", maxBodyBytes: MAX_JSON_BYTES, onMessage: (message) => messages.push(message) }).push(bytes);
	return messages;
}

describe.each([OV2640, OV3660])("the firmware's $model", (sensor) => {
	const model = SENSOR_MODELS[sensor.model];

	it("is a sensor the simulators play", () => {
		expect(model).toBeDefined();
		expect(describeSensor(sensor.model)).toBe(sensor);
	});

	it("offers exactly the settings its driver takes, with the driver's ranges", () => {
		expect(Object.fromEntries(sensor.settings.map((setting) => [setting.key, [setting.min, setting.max]]))).toEqual(model.ranges);
	});

	it("is announced within what a receiver takes: the capabilities message's limits, read back unchanged", () => {
		const bytes = encode({ type: "capabilities", controls: describeControls(sensor) });
		expect(bytes.byteLength - HEADER_BYTES).toBeLessThanOrEqual(MAX_JSON_BYTES);
		const [decoded] = decodeAll(bytes);
		expect(decoded).toEqual({ type: "capabilities", controls: describeControls(sensor) });
	});

	it("offers frame sizes the driver captures as asked, smallest first, none beyond the sensor's largest", () => {
		const sizes = sensor.frameSizes.map((name) => FRAME_SIZES[name]);
		for (const [width, height] of sizes) expect(snap(width, height, model.maxSize)).toEqual([width, height]);
		const pixels = sizes.map(([width, height]) => width * height);
		expect(pixels).toEqual([...pixels].sort((a, b) => a - b));
		expect(sizes[sizes.length - 1]).toEqual(model.maxSize);
	});
});

it("describes a sensor it does not know as offering nothing to change", () => {
	expect(describeSensor("simulator")).toEqual({ model: "simulator", frameSizes: [], settings: [] });
});
