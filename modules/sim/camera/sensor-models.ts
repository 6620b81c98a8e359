// How the sensors behave behind the SDK's ESP32 camera, as the simulated camera plays them: the sizes
// the driver snaps a request to, the largest size each sensor captures (esp32-camera clamps larger
// requests to it), the settings its driver takes with their ranges (configure() ignores anything else
// without a word), and its frame rate per size. A new sensor for the simulators is a row here. This is
// the hardware's side; what the firmware believes a sensor offers is its own description
// (src/camera/sensors/), and hosttest/firmware/sensors.test.ts holds the two together. XS-portable.

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

/**
 * The OV3660's rates, a model rather than a measurement: a frame of HTS x VTS pixel clocks at the
 * system clock sensors/ov3660.c sets for JPEG (50 MHz, 40 MHz at QXGA), with the 4:3 totals of its
 * ov3660_settings.h (2300 x 1564, half the lines when binning, which it does up to 1024 x 768).
 */
function ov3660Fps(width: number, height: number): number {
	const [hts, vts] = [2300, 1564];
	if (width * height <= 1024 * 768) return 50e6 / (hts * (vts / 2 + 1));
	return (width >= 2048 ? 40e6 : 50e6) / (hts * vts);
}

export const SENSOR_MODELS: { readonly [model: string]: SensorModel } = {
	// esp32-camera sensors/ov2640.c: levels -2..2, white-balance modes 0..4, no sharpness or denoise
	OV2640: {
		maxSize: [1600, 1200],
		ranges: { brightness: [-2, 2], contrast: [-2, 2], saturation: [-2, 2], whiteBalance: [0, 4] },
		fps: ov2640Fps,
	},
	// esp32-camera sensors/ov3660.c: brightness, contrast, sharpness -3..3, saturation -4..4, denoise 0..8,
	// white-balance modes 0..4; up to QXGA. Its set_whitebal(0) clears AWB as the OV2640's does (the probe below).
	OV3660: {
		maxSize: [2048, 1536],
		ranges: { brightness: [-3, 3], contrast: [-3, 3], saturation: [-4, 4], sharpness: [-3, 3], denoise: [0, 8], whiteBalance: [0, 4] },
		fps: ov3660Fps,
	},
};

/** The ESP32 driver's frame sizes, ordered as camera.c searches them. */
const DRIVER_SIZES: readonly [number, number][] = [
	[96, 96], [128, 128], [160, 120], [176, 144], [240, 176], [240, 240], [320, 240], [320, 320], [400, 296],
	[480, 320], [640, 480], [720, 1280], [800, 600], [864, 1536], [1024, 768], [1080, 1920], [1280, 720],
	[1280, 1024], [1600, 1200], [1920, 1080], [2048, 1536], [2560, 1440], [2560, 1600], [2560, 1920],
];

/** camera.c: first entry at least as wide; if too short, the next entry of the same width. */
export function snap(width: number, height: number, max: readonly [number, number]): readonly [number, number] {
	const index = DRIVER_SIZES.findIndex(([w]) => w >= width);
	if (index < 0) throw new Error("unsupported dimensions");
	let [w, h] = DRIVER_SIZES[index];
	const next = DRIVER_SIZES[index + 1];
	if (h < height && next && next[0] === w) [w, h] = next;
	return w * h > max[0] * max[1] ? max : [w, h];
}

/** A sensor not in the table: any size of the driver's, nothing to configure, 25 fps. */
export const UNKNOWN_MODEL: SensorModel = { maxSize: [2560, 1920], ranges: {}, fps: () => 25 };

export function sensorModel(model: string): SensorModel {
	return SENSOR_MODELS[model] ?? UNKNOWN_MODEL;
}

/**
 * The sensor's state as the hardware holds it, for tests to look at. The SDK camera probes the sensor
 * the first time `configuration` is read or configure() is called, and the probe calls the driver's
 * set_whitebal() with the white-balance mode it believes is set, 0, which on the OV2640 and the OV3660
 * turns automatic white balance off (modules/io/imagein/camera/esp32/camera.c, ensureSensor;
 * docs/hardware.md).
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
