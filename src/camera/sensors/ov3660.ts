// The OV3660 (the M5Stack AtomS3R-M12's sensor) as esp32-camera's sensors/ov3660.c drives it, read at
// v2.1.5 (commit 2ac69a6; the SDK's camera asks for `^2.0.10`, so a build fetches the newest 2.x):
// - frame sizes up to QXGA: set_framesize() takes every size up to FRAMESIZE_QXGA and clamps larger
//   ones, and driver/sensor.c gives the OV3660 a max_size of QXGA (the portrait sizes, which the SDK
//   camera's table also has, have no name in camera/frame-sizes.ts and are not offered);
// - set_brightness() -3..3 (any other level writes 0 yet reports success, so the range is ours to
//   keep), set_contrast() and set_sharpness() -3..3, set_saturation() -4..4, set_denoise() 0..8 and
//   set_wb_mode() 0..4; each refuses anything else with -1.
// The SDK camera's probe (modules/io/imagein/camera/esp32/camera.c, ensureSensor) finds all six,
// since init_status() leaves each at a level its setter takes (sharpness from register 0x5303).

import { level, WHITE_BALANCE, type SensorDescription } from "./sensor";

export const OV3660: SensorDescription = {
	model: "OV3660",
	frameSizes: [
		"96X96", "128X128", "QQVGA", "QCIF", "HQVGA", "240X240", "QVGA", "320X320", "CIF", "HVGA", "VGA", "SVGA",
		"XGA", "HD", "SXGA", "UXGA", "FHD", "QXGA",
	],
	settings: [
		level("brightness", "brightness", -3, 3),
		level("contrast", "contrast", -3, 3),
		level("saturation", "saturation", -4, 4),
		level("sharpness", "sharpness", -3, 3),
		level("denoise", "denoise", 0, 8),
		WHITE_BALANCE,
	],
};
