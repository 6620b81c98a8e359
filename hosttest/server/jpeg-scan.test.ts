// Finding where a JPEG ends, as the segment reader does when it cannot trust an index.
import { describe, expect, it } from "vitest";
import { findSoi, JPEG_CORRUPT, JPEG_INCOMPLETE, jpegEnd } from "../../server/record/jpeg-scan";
import { renderTestPattern } from "../host/test-pattern";

const real = Buffer.from(renderTestPattern({ width: 80, height: 60, cameraId: "scan", frameNumber: 1, captureTime: 0 }));

describe("jpegEnd", () => {
	it("finds the end of a real JPEG, and of one inside other bytes", () => {
		expect(jpegEnd(real, 0)).toBe(real.length);
		const framed = Buffer.concat([Buffer.from([1, 2, 3]), real, Buffer.from([0, 0, 0xff])]);
		expect(jpegEnd(framed, 3)).toBe(3 + real.length);
	});

	it("says a JPEG cut anywhere is incomplete", () => {
		for (const cut of [1, 2, 3, 20, 200, real.length - 2, real.length - 1])
			expect(jpegEnd(real.subarray(0, cut), 0), "cut at " + cut).toBe(JPEG_INCOMPLETE);
	});

	it("is not fooled by an EXIF thumbnail, a whole JPEG inside an APP1 segment", () => {
		const thumbnail = Buffer.from([0xff, 0xd8, 0xff, 0xd9]);
		const app1 = Buffer.concat([Buffer.from([0xff, 0xe1, 0x00, 2 + 4 + thumbnail.length]), Buffer.from("Exif"), thumbnail]);
		const withThumb = Buffer.concat([real.subarray(0, 2), app1, real.subarray(2)]);
		expect(jpegEnd(withThumb, 0)).toBe(withThumb.length);
	});

	it("steps over stuffed bytes, restart markers and fill bytes in the scan", () => {
		const scan = Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02, 0x12, 0xff, 0x00, 0x34, 0xff, 0xd3, 0x56, 0xff, 0xff, 0xd9]);
		expect(jpegEnd(scan, 0)).toBe(scan.length);
	});

	it("says bytes that are not a JPEG's structure are corrupt", () => {
		expect(jpegEnd(Buffer.from([0x00, 0xd8]), 0)).toBe(JPEG_CORRUPT);
		expect(jpegEnd(Buffer.from([0xff, 0xd8, 0x00, 0x00]), 0)).toBe(JPEG_CORRUPT);
		expect(jpegEnd(Buffer.from([0xff, 0xd8, 0xff, 0xd8]), 0)).toBe(JPEG_CORRUPT);
		expect(jpegEnd(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x01]), 0)).toBe(JPEG_CORRUPT);
	});
});

describe("findSoi", () => {
	it("finds the next FF D8", () => {
		expect(findSoi(Buffer.from([0xff, 0x00, 0xff, 0xff, 0xd8]), 0)).toBe(3);
		expect(findSoi(Buffer.from([0xff, 0xd8, 0xff, 0xd8]), 1)).toBe(2);
		expect(findSoi(Buffer.from([0x00, 0xff]), 0)).toBe(-1);
	});
});
