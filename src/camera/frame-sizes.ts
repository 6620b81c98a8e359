// The OV2640's frame sizes by the names esp32-camera uses. The SDK camera takes a width and height and
// snaps to its own table (reference/moddable-sdk.md §1.4); asking for these exact sizes gets these sizes.
// UXGA is the sensor's largest mode.

export const FRAME_SIZES: { readonly [name: string]: readonly [number, number] } = {
	"96X96": [96, 96],
	QQVGA: [160, 120],
	QCIF: [176, 144],
	HQVGA: [240, 176],
	"240X240": [240, 240],
	QVGA: [320, 240],
	CIF: [400, 296],
	HVGA: [480, 320],
	VGA: [640, 480],
	SVGA: [800, 600],
	XGA: [1024, 768],
	HD: [1280, 720],
	SXGA: [1280, 1024],
	UXGA: [1600, 1200],
};

export function frameSizeNames(): string {
	return Object.keys(FRAME_SIZES).join(", ");
}
