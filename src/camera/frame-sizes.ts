// The frame sizes of Espressif's esp32-camera driver, by its names (framesize_t), for every sensor it
// drives. The SDK camera takes a width and height and snaps to the same table (reference/moddable-sdk.md
// §1.4), so asking for one of these sizes gets that size; which of them a sensor offers is the sensor's
// description (sensors/).

export const FRAME_SIZES: { readonly [name: string]: readonly [number, number] } = {
	"96X96": [96, 96],
	QQVGA: [160, 120],
	"128X128": [128, 128],
	QCIF: [176, 144],
	HQVGA: [240, 176],
	"240X240": [240, 240],
	QVGA: [320, 240],
	"320X320": [320, 320],
	CIF: [400, 296],
	HVGA: [480, 320],
	VGA: [640, 480],
	SVGA: [800, 600],
	XGA: [1024, 768],
	HD: [1280, 720],
	SXGA: [1280, 1024],
	UXGA: [1600, 1200],
	FHD: [1920, 1080],
	QXGA: [2048, 1536],
	QHD: [2560, 1440],
	WQXGA: [2560, 1600],
};

/** The canonical name of a frame size, whatever the case it was written in ("vga" is "VGA"), or undefined. */
export function frameSizeName(name: string): string | undefined {
	const upper = name.toUpperCase();
	return upper in FRAME_SIZES ? upper : undefined;
}
