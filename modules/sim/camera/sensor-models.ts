// How the sensors behave behind the SDK's ESP32 camera, as the simulated camera plays them: the largest
// size each captures (esp32-camera clamps larger requests to it), the settings its driver takes with
// their ranges (configure() ignores anything else without a word), and its frame rate per size. A new
// sensor for the simulators is a row here. This is the hardware's side; what the firmware believes a
// sensor offers is its own description (src/camera/sensors/), and a test holds the two together.
// XS-portable.

export interface SensorModel {
	readonly maxSize: readonly [number, number];
	/** Setting -> [min, max] the driver takes, by configure()'s names. */
	readonly ranges: { readonly [key: string]: readonly [number, number] };
	/** Frames per second at this size. */
	fps(width: number, height: number): number;
}

/** The OV2640's rates at an XCLK of 20 MHz: CIF and below, up to SVGA, larger (reference/peers.md §2.1). */
function ov2640Fps(width: number, height: number): number {
	const pixels = width * height;
	return pixels <= 400 * 296 ? 50 : pixels <= 800 * 600 ? 25 : 12.5;
}

export const SENSOR_MODELS: { readonly [model: string]: SensorModel } = {
	// esp32-camera sensors/ov2640.c: levels -2..2, white-balance modes 0..4, no sharpness or denoise
	OV2640: {
		maxSize: [1600, 1200],
		ranges: { brightness: [-2, 2], contrast: [-2, 2], saturation: [-2, 2], whiteBalance: [0, 4] },
		fps: ov2640Fps,
	},
};

/** A sensor not in the table: any size of the driver's, nothing to configure, 25 fps. */
export const UNKNOWN_MODEL: SensorModel = { maxSize: [2560, 1920], ranges: {}, fps: () => 25 };

export function sensorModel(model: string): SensorModel {
	return SENSOR_MODELS[model] ?? UNKNOWN_MODEL;
}

/**
 * The sensor's state as the hardware holds it, for tests to look at. The SDK camera probes the sensor
 * the first time `configuration` is read or configure() is called, and the probe calls the driver's
 * set_whitebal() with the white-balance mode it believes is set, 0, which on the OV2640 turns automatic
 * white balance off (modules/io/imagein/camera/esp32/camera.c, ensureSensor; docs/hardware.md).
 */
export interface SensorRegisters {
	values: { [key: string]: number };
	autoWhiteBalance: boolean;
	/** Whether the SDK camera has probed the sensor. */
	probed: boolean;
}

export function newSensorRegisters(): SensorRegisters {
	return { values: {}, autoWhiteBalance: true, probed: false };
}
