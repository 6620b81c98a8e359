// RTP/JPEG packets (RFC 2435) of real JPEGs: each sampling the OV2640 and RFC 2435 share, with and
// without restart markers, rebuilt as a client rebuilds them and decoded to the very pixels of the
// original; and each JPEG RTP/JPEG cannot carry refused with its reason.

import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { rtpJpeg, type RtpJpegFrame } from "../../server/rtsp/rtp-jpeg";
import { encodeJpeg, type Sampling } from "../host/jpeg-encoder";
import { rebuildJpeg, syntheticRtpJpeg } from "./helpers/rtsp-client";

function picture(width: number, height: number): Uint8Array {
	const rgba = new Uint8Array(width * height * 4);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 4;
			rgba.set([(x * 7) & 255, (y * 5) & 255, ((x ^ y) * 3) & 255, 255], i);
		}
	}
	return rgba;
}

const decode = (bytes: Uint8Array) => jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
const MAX_PAYLOAD = 1388;

function packets(bytes: Uint8Array): RtpJpegFrame {
	const made = rtpJpeg(Buffer.from(bytes), MAX_PAYLOAD);
	if ("unsupported" in made) throw new Error(made.unsupported);
	return made;
}

describe("RTP/JPEG packets", () => {
	const cases: [Sampling, number, number][] = [["4:2:2", 0, 0], ["4:2:0", 0, 1], ["4:2:2", 4, 64], ["4:2:0", 1, 65]];
	for (const [sampling, restartInterval, type] of cases) {
		it(sampling + (restartInterval ? " with a restart marker every " + restartInterval + " MCUs" : "") + ": type " + type + ", rebuilt to the same pixels", () => {
			const original = encodeJpeg({ data: picture(320, 240), width: 320, height: 240 }, { sampling, restartInterval, quality: 70 });
			const frame = packets(original);
			const [first] = frame.payloads;
			expect(first[4], "type").toBe(type);
			expect(first[5], "Q: tables in-band").toBe(255);
			expect([first[6], first[7]], "size in 8-pixel blocks").toEqual([40, 30]);
			if (restartInterval) expect(first.subarray(8, 12)).toEqual(Buffer.of(0, restartInterval, 0xff, 0xff)); // F = L = 1, count 0x3FFF
			// every payload fits, and the fragment offsets run without a gap
			let offset = 0;
			for (const payload of frame.payloads) {
				expect(payload.length).toBeLessThanOrEqual(MAX_PAYLOAD);
				expect(payload.readUIntBE(1, 3)).toBe(offset);
				offset += payload.length - 8 - (restartInterval ? 4 : 0) - (payload === first ? 4 + 128 : 0);
			}
			expect(frame.bytes).toBe(frame.payloads.reduce((sum, payload) => sum + payload.length, 0));
			const rebuilt = decode(rebuildJpeg([...frame.payloads]));
			const source = decode(original);
			expect([rebuilt.width, rebuilt.height]).toEqual([320, 240]);
			expect(Buffer.from(rebuilt.data).equals(Buffer.from(source.data)), "decoded pixels").toBe(true);
		});
	}

	it("carries the camera's quantization tables, in the first packet only", () => {
		const low = packets(encodeJpeg({ data: picture(64, 48), width: 64, height: 48 }, { quality: 20 }));
		const high = packets(encodeJpeg({ data: picture(64, 48), width: 64, height: 48 }, { quality: 95 }));
		const tables = (frame: RtpJpegFrame) => frame.payloads[0].subarray(12, 12 + 128);
		expect(frame0Header(low)).toEqual(Buffer.of(0, 0, 0, 128));
		expect(tables(low).equals(tables(high))).toBe(false);
		const big = packets(syntheticRtpJpeg(10_000));
		expect(big.payloads.length).toBeGreaterThan(1);
		for (const payload of big.payloads.slice(1)) expect(payload.length === MAX_PAYLOAD || payload === big.payloads.at(-1)).toBe(true);
	});

	it("rounds a size that is not a multiple of 8 up, as the format's 8-pixel blocks must", () => {
		const frame = packets(encodeJpeg({ data: picture(100, 60), width: 100, height: 60 }, { sampling: "4:2:0" }));
		expect([frame.payloads[0][6], frame.payloads[0][7]]).toEqual([13, 8]);
	});

	it("ignores what a camera pads after the end of its frame", () => {
		const original = Buffer.from(encodeJpeg({ data: picture(64, 48), width: 64, height: 48 }));
		const padded = Buffer.concat([original, Buffer.alloc(100)]);
		expect(Buffer.concat(packets(padded).payloads).equals(Buffer.concat(packets(original).payloads))).toBe(true);
	});
});

describe("what RTP/JPEG cannot carry is refused, with the reason", () => {
	const refused = (bytes: Uint8Array) => {
		const made = rtpJpeg(Buffer.from(bytes), MAX_PAYLOAD);
		return "unsupported" in made ? made.unsupported : "carried";
	};
	const small = { data: picture(32, 16), width: 32, height: 16 };

	it("4:4:4 sampling", () => expect(refused(encodeJpeg(small, { sampling: "4:4:4" }))).toMatch(/sampling 1x1 1x1 1x1/));

	it("Huffman tables other than the standard ones", () => {
		const bytes = Buffer.from(encodeJpeg(small));
		const dht = bytes.indexOf(Buffer.of(0xff, 0xc4));
		bytes[dht + 4 + 17] ^= 1; // the first value of the first table
		expect(refused(bytes)).toMatch(/Huffman tables other than the standard ones/);
	});

	it("a progressive JPEG, not a JPEG, one cut short, grey scale", () => {
		const progressive = Buffer.from(encodeJpeg(small));
		progressive[progressive.indexOf(Buffer.of(0xff, 0xc0)) + 1] = 0xc2;
		expect(refused(progressive)).toMatch(/not baseline/);
		expect(refused(Buffer.from("GIF89a"))).toMatch(/not a JPEG/);
		const whole = Buffer.from(encodeJpeg(small));
		expect(refused(whole.subarray(0, 300))).toMatch(/no EOI|runs past the end/);
		const grey = Buffer.from(whole);
		const sof = grey.indexOf(Buffer.of(0xff, 0xc0));
		grey[sof + 9] = 1; // one component
		expect(refused(grey)).toMatch(/1 components/);
	});

	it("a size over 2040 pixels", () => {
		const wide = syntheticRtpJpeg(2000);
		const sof = wide.indexOf(Buffer.of(0xff, 0xc0));
		wide.writeUInt16BE(2048, sof + 7);
		expect(refused(wide)).toMatch(/2048x240/);
	});
});

function frame0Header(frame: RtpJpegFrame): Buffer {
	return frame.payloads[0].subarray(8, 12);
}
