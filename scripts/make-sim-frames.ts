// Renders the JPEG frames the lin simulator's camera cycles through (modules/sim/camera/frames/, built
// into the simulator as Moddable resources). Run again only to change them: npm run make:sim-frames

import { writeFileSync } from "node:fs";
import { renderTestPattern } from "../hosttest/host/test-pattern.ts";
import { FRAME_COUNT, FRAME_SIZE, frameName } from "../modules/sim/camera/frame-names.ts";

const folder = new URL("../modules/sim/camera/frames/", import.meta.url);
for (let n = 1; n <= FRAME_COUNT; n++) {
	const jpeg = renderTestPattern({
		width: FRAME_SIZE[0], height: FRAME_SIZE[1], cameraId: "", frameNumber: n, quality: 60,
		captureTime: Math.round((n - 1) * 2000 / FRAME_COUNT), // the box moves across once per cycle
		caption: ["MODDABLE SIMULATOR", "FRAME " + n + " OF " + FRAME_COUNT],
	});
	writeFileSync(new URL(frameName(n), folder), jpeg);
	process.stdout.write(frameName(n) + ": " + jpeg.byteLength + " bytes\n");
}
