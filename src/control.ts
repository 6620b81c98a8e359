// Applies a control message from the receiver (docs/protocol.md, "control"). The frame-rate cap and the
// sensor settings change at once; a frame size is stored for the next start. Every key is answered:
// applied, pending, or refused with the reason, and nothing is ignored silently.

import { FRAME_SIZES, frameSizeNames } from "./camera/frame-sizes";
import type { Capture } from "./camera/capture";
import type { ControlSettings } from "./protocol/types";
import type { ControlAnswer } from "./transport/connection";

/**
 * The ranges the OV2640 driver of esp32-camera takes for the settings the SDK camera's configure()
 * passes on. configure() ignores anything out of range without a word, hence the checks here. The SDK
 * also passes sharpness and denoise, which the OV2640 does not have; they are refused as not offered.
 */
const SENSOR_RANGES: { readonly [key: string]: readonly [number, number] } = {
	brightness: [-2, 2],
	contrast: [-2, 2],
	saturation: [-2, 2],
	whiteBalance: [0, 4],
};

/** camera.configuration reports contrast under this misspelt key (the SDK's camera.c). */
const CONFIGURATION_KEY: { readonly [key: string]: string } = { contrast: "conrast" };

export function applyControl(settings: ControlSettings, capture: Capture, storeFrameSize: (name: string) => void): ControlAnswer {
	const applied: ControlSettings = Object.create(null);
	const pending: ControlSettings = Object.create(null);
	const refused: { [key: string]: string } = Object.create(null);
	const sensor: { [key: string]: number } = {};
	let sensorCount = 0;
	for (const key in settings) {
		const value = settings[key];
		if (key === "frameRate") {
			if (typeof value === "number" && value >= 0.1 && value <= 60) {
				capture.frameRate = value;
				applied[key] = value;
			}
			else refused[key] = "must be a number of frames per second, 0.1 to 60";
		}
		else if (key === "frameSize") {
			const name = typeof value === "string" ? value.toUpperCase() : "";
			if (name in FRAME_SIZES) {
				storeFrameSize(name);
				pending[key] = name;
			}
			else refused[key] = "must be one of " + frameSizeNames();
		}
		else if (key in SENSOR_RANGES) {
			const [min, max] = SENSOR_RANGES[key];
			const offered = capture.sensorSettings;
			if (!offered || !((CONFIGURATION_KEY[key] ?? key) in offered)) refused[key] = "not offered by this camera";
			else if (typeof value !== "number" || Math.floor(value) !== value || value < min || value > max)
				refused[key] = "must be an integer " + min + " to " + max;
			else {
				sensor[key] = value;
				sensorCount++;
			}
		}
		else refused[key] = "not a setting of this camera";
	}
	if (sensorCount) {
		try {
			capture.configure(sensor);
			for (const key in sensor) applied[key] = sensor[key];
		}
		catch (error) {
			for (const key in sensor) refused[key] = "the camera refused: " + (error as Error).message;
		}
	}
	return { applied, pending, refused };
}
