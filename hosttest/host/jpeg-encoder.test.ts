// The host camera's JPEG encoder: what RFC 2435 (RTP/JPEG) needs of a frame, header by header, and
// pixels that jpeg-js (an independent decoder) reads back close to the input at every sampling, size and
// restart interval.

import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { encodeJpeg } from "./jpeg-encoder";
import type { Sampling } from "./jpeg-encoder";

const SAMPLINGS: Sampling[] = ["4:2:2", "4:2:0", "4:4:4"];
/** Luma samples per chroma sample, horizontally and vertically (the MCU is 8h x 8v pixels). */
const FACTORS: Record<Sampling, [number, number]> = { "4:2:2": [2, 1], "4:2:0": [2, 2], "4:4:4": [1, 1] };

function image(width: number, height: number, colour: (x: number, y: number) => number[]) {
	const data = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) data.set([...colour(x, y), 255], (y * width + x) * 4);
	}
	return { data, width, height };
}

const smooth = (width: number, height: number) => image(width, height, (x, y) => [
	Math.round(255 * x / Math.max(1, width - 1)), Math.round(255 * y / Math.max(1, height - 1)), Math.round(128 + 100 * Math.sin((x + y) / 9)),
]);
const COLOURS = [[255, 255, 255], [0, 0, 0], [255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]];
// Saturated cells 5 x 3 pixels, so edges fall inside MCUs, blocks and chroma samples.
const sharp = (width: number, height: number) => image(width, height, (x, y) => COLOURS[(Math.floor(x / 5) + 2 * Math.floor(y / 3)) % COLOURS.length]);

/**
 * What a perfect codec gives at `sampling`: each chroma sample the mean of the pixels it covers (the edge
 * repeated), shown on every one of them, as jpeg-js upsamples. Comparing against this leaves only the
 * DCT's error, which subsampling a sharp image would otherwise swamp.
 */
function subsampled({ data, width, height }: ReturnType<typeof image>, sampling: Sampling): Uint8Array {
	const [h, v] = FACTORS[sampling];
	const at = (x: number, y: number) => (Math.min(y, height - 1) * width + Math.min(x, width - 1)) * 4;
	const out = new Uint8Array(data.length);
	const clamp = (value: number) => Math.round(Math.min(255, Math.max(0, value)));
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			let cb = 0, cr = 0;
			for (let j = 0; j < v; j++) {
				for (let i = 0; i < h; i++) {
					const k = at(x - x % h + i, y - y % v + j);
					cb += (-0.168736 * data[k] - 0.331264 * data[k + 1] + 0.5 * data[k + 2]) / (h * v);
					cr += (0.5 * data[k] - 0.418688 * data[k + 1] - 0.081312 * data[k + 2]) / (h * v);
				}
			}
			const k = at(x, y), luma = 0.299 * data[k] + 0.587 * data[k + 1] + 0.114 * data[k + 2];
			out.set([clamp(luma + 1.402 * cr), clamp(luma - 0.344136 * cb - 0.714136 * cr), clamp(luma + 1.772 * cb), 255], k);
		}
	}
	return out;
}

/** Mean absolute error of each of R, G, B. */
function meanError(a: Uint8Array, b: Uint8Array): number[] {
	const sums = [0, 0, 0];
	for (let i = 0; i < a.length; i += 4) for (let c = 0; c < 3; c++) sums[c] += Math.abs(a[i + c] - b[i + c]);
	return sums.map((sum) => sum / (a.length / 4));
}

interface Parsed { segments: Map<number, Uint8Array[]>; scan: Uint8Array; markers: number[] }

/** The segments before the scan (marker -> bodies), the scan itself, and the markers inside it (RSTn). */
function parse(bytes: Uint8Array): Parsed {
	expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
	const segments = new Map<number, Uint8Array[]>();
	let offset = 2;
	for (;;) {
		expect(bytes[offset], "a marker at " + offset).toBe(0xff);
		const marker = bytes[offset + 1], length = (bytes[offset + 2] << 8) | bytes[offset + 3];
		segments.set(marker, [...segments.get(marker) ?? [], bytes.subarray(offset + 4, offset + 2 + length)]);
		offset += 2 + length;
		if (marker === 0xda) break;
	}
	const markers: number[] = [];
	const start = offset;
	for (; ; offset++) {
		if (bytes[offset] !== 0xff) continue;
		const next = bytes[offset + 1];
		if (next === 0xd9) break;
		if (next !== 0x00) {
			expect(next >= 0xd0 && next <= 0xd7, "FF " + next.toString(16) + " in the scan").toBe(true);
			markers.push(next);
		}
		offset++;
	}
	expect(offset + 2, "EOI ends the file").toBe(bytes.length);
	return { segments, scan: bytes.subarray(start, offset), markers };
}

function segment(parsed: Parsed, marker: number): Uint8Array {
	const bodies = parsed.segments.get(marker) ?? [];
	expect(bodies.length, "one FF " + marker.toString(16)).toBe(1);
	return bodies[0];
}

/** jpeg-js's encoder writes one DHT of Annex K.3's tables and a DQT of K.1/K.2 scaled as IJG does. */
const jpegJs = (quality: number) => parse(new Uint8Array(jpeg.encode(smooth(16, 16), quality).data));

describe("encodeJpeg", () => {
	for (const sampling of SAMPLINGS) {
		for (const restartInterval of [0, 1, 3]) {
			for (const [width, height] of [[80, 60], [17, 9], [1, 1]]) {
				it(`decodes close to the input: ${sampling}, ${width}x${height}, restart interval ${restartInterval}`, () => {
					for (const [name, picture, bound] of [["smooth", smooth, 3], ["sharp", sharp, 6.5]] as const) {
						const input = picture(width, height);
						const bytes = encodeJpeg(input, { quality: 90, sampling, restartInterval });
						const decoded = jpeg.decode(bytes, { useTArray: true });
						expect([decoded.width, decoded.height]).toEqual([width, height]);
						for (const error of meanError(subsampled(input, sampling), decoded.data)) expect(error, name).toBeLessThan(bound);
					}
				});
			}
		}
	}

	it("keeps a smooth image close to the input itself, subsampling included", () => {
		const input = smooth(80, 60);
		for (const sampling of SAMPLINGS) {
			const decoded = jpeg.decode(encodeJpeg(input, { quality: 80, sampling }), { useTArray: true });
			for (const error of meanError(input.data, decoded.data)) expect(error, sampling).toBeLessThan(5.5);
		}
	});

	it("pads the last MCUs with the edge pixels, so a flat image stays flat to its edges", () => {
		// At quality 10 anything else in the padding (zeros, say) rings into the visible pixels beside it.
		for (const sampling of SAMPLINGS) {
			const decoded = jpeg.decode(encodeJpeg(image(17, 9, () => [200, 60, 30]), { quality: 10, sampling }), { useTArray: true });
			const first = [...decoded.data.subarray(0, 4)];
			for (let i = 0; i < decoded.data.length; i += 4) expect([...decoded.data.subarray(i, i + 4)], sampling + " at " + i / 4).toEqual(first);
		}
	});

	it("writes SOF0 (baseline, 8-bit) with Y at the sampling's factors and Cb, Cr at 1x1", () => {
		for (const sampling of SAMPLINGS) {
			const parsed = parse(encodeJpeg(smooth(33, 17), { sampling }));
			const [h, v] = FACTORS[sampling];
			expect([...segment(parsed, 0xc0)]).toEqual([
				8, 0, 17, 0, 33, 3, // precision, height, width, components
				1, (h << 4) | v, 0, // Y: id, H/V, quantization table
				2, 0x11, 1, // Cb
				3, 0x11, 1, // Cr
			]);
			for (const marker of [0xc1, 0xc2, 0xc3, 0xcc]) expect(parsed.segments.has(marker)).toBe(false); // not extended, progressive, lossless, arithmetic
			expect([...segment(parsed, 0xda)]).toEqual([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]); // Y tables 0/0, Cb and Cr 1/1
		}
	});

	it("writes a JFIF APP0 first", () => {
		const bytes = encodeJpeg(smooth(8, 8));
		expect([...bytes.subarray(2, 4)]).toEqual([0xff, 0xe0]);
		expect(new TextDecoder().decode(segment(parse(bytes), 0xe0).subarray(0, 5))).toBe("JFIF\0");
	});

	it("writes the Annex K.3 Huffman tables in one DHT, as jpeg-js does", () => {
		const ours = segment(parse(encodeJpeg(smooth(8, 8))), 0xc4);
		expect(ours.length).toBe(4 * 17 + 12 + 162 + 12 + 162); // DC and AC, luma and chroma
		expect([...ours]).toEqual([...segment(jpegJs(50), 0xc4)]);
	});

	it("writes luma (id 0) and chroma (id 1) quantization tables in zigzag order, scaled by quality as jpeg-js and libjpeg do", () => {
		const annexK = segment(parse(encodeJpeg(smooth(8, 8), { quality: 50 })), 0xdb);
		expect([annexK[0], annexK[65]]).toEqual([0, 1]);
		expect([...annexK.subarray(1, 11)]).toEqual([16, 11, 12, 14, 12, 10, 16, 14, 13, 14]); // K.1 in zigzag order
		expect([...annexK.subarray(66, 72)]).toEqual([17, 18, 18, 24, 21, 24]); // K.2
		for (const quality of [1, 10, 49, 50, 51, 80, 95, 100])
			expect([...segment(parse(encodeJpeg(smooth(8, 8), { quality })), 0xdb)], "quality " + quality).toEqual([...segment(jpegJs(quality), 0xdb)]);
	});

	it("writes DRI and one RSTn every interval, RST0 to RST7 in turn", () => {
		for (const sampling of SAMPLINGS) {
			const [h, v] = FACTORS[sampling];
			for (const [width, height, interval] of [[80, 60, 1], [80, 60, 3], [80, 60, 7], [17, 9, 2], [1, 1, 1], [80, 60, 1000]]) {
				const mcus = Math.ceil(width / (8 * h)) * Math.ceil(height / (8 * v));
				const parsed = parse(encodeJpeg(sharp(width, height), { sampling, restartInterval: interval }));
				expect([...segment(parsed, 0xdd)]).toEqual([interval >> 8, interval & 0xff]);
				const expected = Array.from({ length: Math.ceil(mcus / interval) - 1 }, (_, n) => 0xd0 + n % 8);
				expect(parsed.markers, `${sampling} ${width}x${height} every ${interval}`).toEqual(expected);
			}
			const none = parse(encodeJpeg(sharp(80, 60), { sampling }));
			expect(none.segments.has(0xdd)).toBe(false);
			expect(none.markers).toEqual([]);
		}
	});

	// Scans worked out by hand from Annex K.3, at quality 100 (every divisor 1), 4:4:4, 8x8 MCUs. A flat
	// block has only its DC coefficient, 8 x its level-shifted luma; flat grey chroma is 0.
	it("codes a black block exactly, stuffing the 0xFF it makes", () => {
		// Y: DC -1024, category 11 "111111110", bits "01111111111" (-1024 - 1), AC EOB "1010";
		// Cb, Cr: DC 0 "00", EOB "00". 32 bits: 11111111 00111111 11111010 00000000.
		const { scan } = parse(encodeJpeg(image(8, 8, () => [0, 0, 0]), { quality: 100, sampling: "4:4:4" }));
		expect([...scan]).toEqual([0xff, 0x00, 0x3f, 0xfa, 0x00]);
	});

	it("pads with 1-bits before each RSTn and predicts each DC from 0 again after it", () => {
		// Two white MCUs. Y: DC 1016, category 10 "11111110", bits "1111111000", EOB "1010"; Cb, Cr "00" "00".
		// 30 bits and two 1s of padding: 11111110 11111110 00101000 00000011, the same again after RST0.
		const white = image(16, 8, () => [255, 255, 255]);
		const { scan } = parse(encodeJpeg(white, { quality: 100, sampling: "4:4:4", restartInterval: 1 }));
		expect([...scan]).toEqual([0xfe, 0xfe, 0x28, 0x03, 0xff, 0xd0, 0xfe, 0xfe, 0x28, 0x03]);
		// Without the marker the second DC is coded as a difference of 0: "00" "1010" and chroma, 14 bits.
		const { scan: unbroken } = parse(encodeJpeg(white, { quality: 100, sampling: "4:4:4" }));
		expect([...unbroken]).toEqual([0xfe, 0xfe, 0x28, 0x00, 0xa0, 0x0f]);
	});

	it("returns an array of its own: a later call changes neither it nor what the same input gives", () => {
		const big = sharp(80, 60);
		const first = encodeJpeg(big, { restartInterval: 3 });
		const copy = first.slice();
		encodeJpeg(smooth(17, 9), { sampling: "4:2:0" });
		expect(first).toEqual(copy);
		expect(encodeJpeg(big, { restartInterval: 3 })).toEqual(copy);
	});

	it("grows its output for a frame that does not fit the first buffer", () => {
		const noise = image(400, 300, (x, y) => [(x * 7919 + y * 104729) % 256, (x * 31 + y * 17) % 256, (x * y) % 256]);
		const bytes = encodeJpeg(noise, { quality: 100, sampling: "4:4:4" });
		expect(bytes.length).toBeGreaterThan(1 << 16);
		const decoded = jpeg.decode(bytes, { useTArray: true });
		for (const error of meanError(noise.data, decoded.data)) expect(error).toBeLessThan(3);
	});

	it("refuses a bad size, quality, sampling or restart interval with RangeError, too little data with TypeError", () => {
		const ok = smooth(8, 8);
		for (const [width, height] of [[0, 8], [8, 0], [1.5, 8], [65536, 1]])
			expect(() => encodeJpeg({ data: new Uint8Array(width * height * 4 | 0), width, height }), `${width}x${height}`).toThrow(RangeError);
		for (const quality of [0, 101, 1.5, NaN]) expect(() => encodeJpeg(ok, { quality }), "quality " + quality).toThrow(RangeError);
		for (const restartInterval of [-1, 65536, 0.5]) expect(() => encodeJpeg(ok, { restartInterval }), "interval " + restartInterval).toThrow(RangeError);
		expect(() => encodeJpeg(ok, { sampling: "4:1:1" as Sampling })).toThrow(RangeError);
		expect(() => encodeJpeg({ ...ok, data: ok.data.subarray(4) })).toThrow(TypeError);
	});
});
