// The OV2640 (the AI-Thinker ESP32-CAM's sensor) as esp32-camera's sensors/ov2640.c drives it: frame
// sizes up to UXGA, and brightness, contrast and saturation of -2..2 and the white-balance modes 0..4
// that the SDK camera's configure() passes on. The driver has no sharpness or denoise for this sensor
// (the SDK's probe finds none), so they are not offered.

import { level, WHITE_BALANCE, type SensorDescription } from "./sensor";

export const OV2640: SensorDescription = {
	model: "OV2640",
	frameSizes: ["96X96", "QQVGA", "QCIF", "HQVGA", "240X240", "QVGA", "CIF", "HVGA", "VGA", "SVGA", "XGA", "HD", "SXGA", "UXGA"],
	settings: [
		level("brightness", "brightness", -2, 2),
		level("contrast", "contrast", -2, 2),
		level("saturation", "saturation", -2, 2),
		WHITE_BALANCE,
	],
};
