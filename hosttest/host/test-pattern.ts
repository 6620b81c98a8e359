// Real JPEG frames of a moving test pattern for the host camera: colour bars, a box that sweeps across
// once every two seconds at any frame rate, and a caption with the camera id, the frame number and the
// capture time (UTC, to the millisecond), so a person watching the live view sees motion and can read
// the latency against a clock. Encoded baseline 4:2:2 with the standard Huffman tables, as the host
// camera models the OV2640, so RTP/JPEG (RFC 2435) can carry it, by our own encoder (docs/architecture.md says why).

import { encodeJpeg } from "./jpeg-encoder";

export interface PatternFrame {
	width: number;
	height: number;
	cameraId: string;
	frameNumber: number;
	captureTime: number;
	/** JPEG quality, 1..100 (IJG scaling of the standard tables, as libjpeg and jpeg-js). */
	quality?: number;
	/** Caption lines instead of the camera id, frame number and capture time. */
	caption?: string[];
}

const BARS: [number, number, number][] = [
	[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192],
];

// 5x7 glyphs, one string of 7 rows of 5 bits per character.
const FONT: { [char: string]: number[] } = {
	"0": [14, 17, 19, 21, 25, 17, 14], "1": [4, 12, 4, 4, 4, 4, 14], "2": [14, 17, 1, 2, 4, 8, 31],
	"3": [31, 2, 4, 2, 1, 17, 14], "4": [2, 6, 10, 18, 31, 2, 2], "5": [31, 16, 30, 1, 1, 17, 14],
	"6": [6, 8, 16, 30, 17, 17, 14], "7": [31, 1, 2, 4, 8, 8, 8], "8": [14, 17, 17, 14, 17, 17, 14],
	"9": [14, 17, 17, 15, 1, 2, 12], "A": [14, 17, 17, 31, 17, 17, 17], "B": [30, 17, 17, 30, 17, 17, 30],
	"C": [14, 17, 16, 16, 16, 17, 14], "D": [28, 18, 17, 17, 17, 18, 28], "E": [31, 16, 16, 30, 16, 16, 31],
	"F": [31, 16, 16, 30, 16, 16, 16], "G": [14, 17, 16, 23, 17, 17, 15], "H": [17, 17, 17, 31, 17, 17, 17],
	"I": [14, 4, 4, 4, 4, 4, 14], "J": [7, 2, 2, 2, 2, 18, 12], "K": [17, 18, 20, 24, 20, 18, 17],
	"L": [16, 16, 16, 16, 16, 16, 31], "M": [17, 27, 21, 21, 17, 17, 17], "N": [17, 17, 25, 21, 19, 17, 17],
	"O": [14, 17, 17, 17, 17, 17, 14], "P": [30, 17, 17, 30, 16, 16, 16], "Q": [14, 17, 17, 17, 21, 18, 13],
	"R": [30, 17, 17, 30, 20, 18, 17], "S": [15, 16, 16, 14, 1, 1, 30], "T": [31, 4, 4, 4, 4, 4, 4],
	"U": [17, 17, 17, 17, 17, 17, 14], "V": [17, 17, 17, 17, 17, 10, 4], "W": [17, 17, 17, 21, 21, 21, 10],
	"X": [17, 17, 10, 4, 10, 17, 17], "Y": [17, 17, 10, 4, 4, 4, 4], "Z": [31, 1, 2, 4, 8, 16, 31],
	"-": [0, 0, 0, 31, 0, 0, 0], "_": [0, 0, 0, 0, 0, 0, 31], ".": [0, 0, 0, 0, 0, 12, 12],
	":": [0, 12, 12, 0, 12, 12, 0], "#": [10, 10, 31, 10, 31, 10, 10], " ": [0, 0, 0, 0, 0, 0, 0],
};
const UNKNOWN_GLYPH = [31, 17, 17, 17, 17, 17, 31];

/** One test-pattern frame as JPEG bytes. */
export function renderTestPattern(frame: PatternFrame): Uint8Array {
	const { width, height } = frame;
	const rgba = new Uint8Array(width * height * 4);
	const barWidth = Math.ceil(width / BARS.length);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const [r, g, b] = BARS[Math.floor(x / barWidth)];
			const i = (y * width + x) * 4;
			rgba[i] = r;
			rgba[i + 1] = g;
			rgba[i + 2] = b;
			rgba[i + 3] = 255;
		}
	}
	// The box's position follows the capture time, so its speed does not depend on the frame rate.
	const box = Math.max(8, Math.floor(height / 4));
	const travel = width - box;
	const phase = (frame.captureTime % 2000) / 2000;
	fill(rgba, width, Math.floor(travel * phase), Math.floor((height - box) / 2), box, box, [255, 255, 255]);

	const scale = Math.max(1, Math.floor(width / 160));
	const time = new Date(frame.captureTime).toISOString().slice(11, 23); // HH:MM:SS.mmm UTC
	const lines = frame.caption ?? [frame.cameraId.toUpperCase() + " #" + frame.frameNumber, time + " UTC"];
	const lineHeight = 9 * scale;
	const top = height - lines.length * lineHeight - 2 * scale;
	fill(rgba, width, 0, top - scale, width, height - top + scale, [0, 0, 0]);
	lines.forEach((line, n) => drawText(rgba, width, 2 * scale, top + n * lineHeight, line, scale));

	return encodeJpeg({ data: rgba, width, height }, { quality: frame.quality ?? 80, sampling: "4:2:2" });
}

function fill(rgba: Uint8Array, width: number, left: number, top: number, w: number, h: number, [r, g, b]: number[]): void {
	const height = rgba.length / 4 / width;
	for (let y = Math.max(0, top); y < Math.min(height, top + h); y++) {
		for (let x = Math.max(0, left); x < Math.min(width, left + w); x++) {
			const i = (y * width + x) * 4;
			rgba[i] = r;
			rgba[i + 1] = g;
			rgba[i + 2] = b;
		}
	}
}

function drawText(rgba: Uint8Array, width: number, left: number, top: number, text: string, scale: number): void {
	for (const [n, char] of [...text].entries()) {
		const rows = FONT[char] ?? UNKNOWN_GLYPH;
		const x0 = left + n * 6 * scale;
		if (x0 + 5 * scale > width) return; // the caption is cut at the right edge, not wrapped
		rows.forEach((bits, row) => {
			for (let column = 0; column < 5; column++) {
				if (bits & (16 >> column))
					fill(rgba, width, x0 + column * scale, top + row * scale, scale, scale, [255, 255, 255]);
			}
		});
	}
}
