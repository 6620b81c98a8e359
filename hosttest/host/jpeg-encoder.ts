// A baseline JPEG encoder for the host camera's test pattern. It makes what the OV2640 makes and what
// RTP/JPEG (RFC 2435) can carry: baseline sequential (SOF0), 8-bit YCbCr with a JFIF APP0, 4:2:2 by
// default (RFC 2435 type 0; 4:2:0 is type 1), the Annex K.3 Huffman tables (RFC 2435 sends none, so the
// receiver assumes them) and optionally restart markers (DRI; RFC 2435 types 64-127). jpeg-js, which
// encoded it before, makes only 4:4:4. 4:4:4 is kept here to compare against.
//
// Speed matters: the host camera encodes every live frame (VGA at 10 fps on a 2-core machine). So the
// work is done on typed arrays reused from one call to the next, one strip of MCUs at a time, with the
// AAN float DCT, quantization folded into its output scaling, and a 32-bit bit accumulator.

import { STANDARD_HUFFMAN, STANDARD_HUFFMAN_TABLES, type HuffmanTable } from "../../server/rtsp/jpeg-tables";

export type Sampling = "4:2:2" | "4:2:0" | "4:4:4";

export interface RgbaImage {
	/** Width * height * 4 bytes, RGBA, rows top to bottom; alpha is ignored. Read only during the call. */
	data: Uint8Array;
	width: number;
	height: number;
}

export interface JpegOptions {
	/** 1..100, the IJG scaling of the Annex K.1 tables (as libjpeg and jpeg-js do); default 80. */
	quality?: number;
	/** Chroma subsampling; default "4:2:2", as the host camera models the OV2640 (docs/hardware.md). */
	sampling?: Sampling;
	/** MCUs between RSTn markers (1..65535); 0 or undefined writes no DRI and no markers. */
	restartInterval?: number;
}

// Annex K.1, Tables K.1 and K.2, in natural (row-major) order.
const LUMA_QUANT = [
	16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
	14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
	49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_QUANT = [
	17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
	47, 66, 99, 99, 99, 99, 99, 99, ...new Array<number>(32).fill(99),
];

/** ZIGZAG[k] is the natural index of the k-th coefficient in zigzag order (Figure A.6). */
const ZIGZAG = Uint8Array.of(
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
);

interface HuffmanCodes { code: Uint16Array; size: Uint8Array }

/** The code and its length for each value (Annex C, Figures C.1 to C.3: canonical codes by length). */
function huffmanCodes({ counts, values }: HuffmanTable): HuffmanCodes {
	const code = new Uint16Array(256);
	const size = new Uint8Array(256);
	let next = 0, k = 0;
	for (let length = 1; length <= 16; length++, next <<= 1) {
		for (let n = 0; n < counts[length - 1]; n++, next++, k++) {
			code[values[k]] = next;
			size[values[k]] = length;
		}
	}
	return { code, size };
}
const [DC_LUMA, AC_LUMA, DC_CHROMA, AC_CHROMA] = STANDARD_HUFFMAN.map(huffmanCodes);

// The fixed segments: JFIF APP0 (version 1.01, aspect 1:1, no thumbnail) and the one DHT.
const APP0 = Uint8Array.of(0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0);
const DHT = (() => {
	const body = [...STANDARD_HUFFMAN_TABLES.values()].flatMap((table) => [...table]);
	return Uint8Array.from([0xff, 0xc4, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
})();

// AAN's output is each coefficient times 8 * a(row) * a(column) (a(0) = 1, a(k) = sqrt(2) cos(k pi / 16)),
// so the quantizer's divisor takes that factor too and scaling costs nothing more.
const AAN_SCALE = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

interface QualityTables { dqt: Uint8Array; luma: Float64Array; chroma: Float64Array }
const qualityTables = new Map<number, QualityTables>();

/** The DQT segment and the reciprocal divisors (natural order) for one quality, made once. */
function tablesFor(quality: number): QualityTables {
	let tables = qualityTables.get(quality);
	if (tables) return tables;
	// IJG's jpeg_quality_scaling(): 50 keeps Annex K's tables, 100 makes them all 1s.
	const percent = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
	const dqt = new Uint8Array(4 + 2 * 65);
	dqt.set([0xff, 0xdb, 0, 2 + 2 * 65]);
	const luma = new Float64Array(64), chroma = new Float64Array(64);
	[LUMA_QUANT, CHROMA_QUANT].forEach((base, id) => {
		const scale = id === 0 ? luma : chroma;
		dqt[4 + id * 65] = id; // Pq 0 (8-bit), Tq = id
		for (let k = 0; k < 64; k++) {
			const n = ZIGZAG[k];
			const q = Math.min(255, Math.max(1, Math.floor((base[n] * percent + 50) / 100))); // baseline: 8-bit
			dqt[5 + id * 65 + k] = q; // B.2.4.1: the table is sent in zigzag order
			scale[n] = 1 / (q * AAN_SCALE[n >> 3] * AAN_SCALE[n & 7] * 8);
		}
	});
	qualityTables.set(quality, tables = { dqt, luma, chroma });
	return tables;
}

// The most one MCU can take: 6 blocks of 64 codes of at most 16 + 11 bits, every byte stuffed, and a marker.
const MAX_MCU_BYTES = 6 * 64 * 27 / 8 * 2 + 4;

/** The output and its bit accumulator. */
class Writer {
	out = new Uint8Array(1 << 16); // only grows, reused across calls
	pos = 0; // next byte of out
	acc = 0; // pending bits, the last `count` of them not yet written
	count = 0;

	/** Appends `bits`, `size` of them (size <= 24, bits < 2 ** size), to the entropy-coded segment. */
	putBits(bits: number, size: number): void {
		let acc = (this.acc << size) | bits; // older bits shift out at the top: they are written already
		let count = this.count + size;
		if (count >= 8) {
			const out = this.out;
			let pos = this.pos;
			do {
				count -= 8;
				const byte = (acc >>> count) & 0xff;
				out[pos++] = byte;
				if (byte === 0xff) out[pos++] = 0; // F.1.2.3: a 0xFF in coded data is followed by a stuffed 0
			} while (count >= 8);
			this.pos = pos;
		}
		this.acc = acc;
		this.count = count;
	}

	/** Pads the last byte with 1-bits (B.1.1.5), before a marker. */
	flushBits(): void {
		if (this.count > 0) this.putBits((1 << (8 - this.count)) - 1, 8 - this.count);
	}

	ensure(bytes: number): void {
		if (this.pos + bytes <= this.out.length) return;
		const grown = new Uint8Array(Math.max(this.out.length * 2, this.pos + bytes));
		grown.set(this.out.subarray(0, this.pos));
		this.out = grown;
	}

	putBytes(bytes: Uint8Array): void {
		this.ensure(bytes.length);
		this.out.set(bytes, this.pos);
		this.pos += bytes.length;
	}
}

// Scratch reused across calls (encodeJpeg never calls out, so no call can see another's state): the
// writer, one strip of MCUs per component at full resolution, and one block.
const writer = new Writer();
const scratch = { planes: new Float32Array(0) };
const block = new Float64Array(64);

/**
 * Encodes `image` as a baseline JPEG. The result is a new array the caller owns; `image.data` is only read.
 * Throws RangeError for a size, quality or restart interval out of range, TypeError for too little data.
 */
export function encodeJpeg(image: RgbaImage, options: JpegOptions = {}): Uint8Array {
	const { width, height, data } = image;
	const { quality = 80, sampling = "4:2:2", restartInterval = 0 } = options;
	if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 0xffff || height > 0xffff)
		throw new RangeError("invalid size");
	if (data.length < width * height * 4) throw new TypeError("data too short");
	if (!Number.isInteger(quality) || quality < 1 || quality > 100) throw new RangeError("invalid quality");
	if (!Number.isInteger(restartInterval) || restartInterval < 0 || restartInterval > 0xffff) throw new RangeError("invalid restart interval");
	const h = sampling === "4:4:4" ? 1 : sampling === "4:2:2" || sampling === "4:2:0" ? 2 : 0; // luma blocks per MCU
	const v = sampling === "4:2:0" ? 2 : 1;
	if (h === 0) throw new RangeError("invalid sampling");
	const tables = tablesFor(quality);

	const w = writer;
	w.pos = 0; w.acc = 0; w.count = 0;
	w.putBytes(Uint8Array.of(0xff, 0xd8)); // SOI
	w.putBytes(APP0);
	w.putBytes(tables.dqt);
	// B.2.2: Y (id 1) with h x v samples per chroma sample and table 0; Cb (2) and Cr (3) 1x1 with table 1.
	w.putBytes(Uint8Array.of(0xff, 0xc0, 0, 17, 8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3,
		1, (h << 4) | v, 0, 2, 0x11, 1, 3, 0x11, 1));
	w.putBytes(DHT);
	if (restartInterval) w.putBytes(Uint8Array.of(0xff, 0xdd, 0, 4, restartInterval >> 8, restartInterval & 0xff));
	w.putBytes(Uint8Array.of(0xff, 0xda, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0)); // SOS: all of Ss..Se, Ah = Al = 0

	const mcuWidth = 8 * h, mcuHeight = 8 * v;
	const columns = Math.ceil(width / mcuWidth), rows = Math.ceil(height / mcuHeight);
	const stride = columns * mcuWidth; // a strip row, padded to whole MCUs
	const plane = stride * mcuHeight;
	if (scratch.planes.length < 3 * plane) scratch.planes = new Float32Array(3 * plane);
	const planes = scratch.planes;
	const cbOffset = plane, crOffset = 2 * plane;
	let dcY = 0, dcCb = 0, dcCr = 0;
	let untilRestart = restartInterval, marker = 0;
	for (let row = 0; row < rows; row++) {
		toYCbCr(planes, data, width, height, row * mcuHeight, mcuHeight, stride);
		for (let column = 0; column < columns; column++) {
			w.ensure(MAX_MCU_BYTES);
			if (restartInterval && untilRestart === 0) {
				// E.1.4: pad, RSTm with m = 0..7 cycling, and each DC prediction starts again from 0.
				w.flushBits();
				w.out[w.pos++] = 0xff;
				w.out[w.pos++] = 0xd0 + marker;
				marker = (marker + 1) & 7;
				dcY = dcCb = dcCr = 0;
				untilRestart = restartInterval;
			}
			untilRestart--;
			const x = column * mcuWidth;
			// A.2.3: an MCU holds Y's blocks left to right, top to bottom, then one Cb and one Cr block.
			for (let by = 0; by < v; by++) {
				for (let bx = 0; bx < h; bx++) {
					loadBlock(planes, by * 8 * stride + x + bx * 8, stride, 1, 1);
					dcY = encodeBlock(tables.luma, dcY, DC_LUMA, AC_LUMA);
				}
			}
			loadBlock(planes, cbOffset + x, stride, h, v);
			dcCb = encodeBlock(tables.chroma, dcCb, DC_CHROMA, AC_CHROMA);
			loadBlock(planes, crOffset + x, stride, h, v);
			dcCr = encodeBlock(tables.chroma, dcCr, DC_CHROMA, AC_CHROMA);
		}
	}
	w.flushBits();
	w.putBytes(Uint8Array.of(0xff, 0xd9)); // EOI
	return w.out.slice(0, w.pos);
}

/**
 * Converts `lines` rows of RGBA from row `top` into the strip planes as JFIF YCbCr, all three level-shifted
 * to centre on 0 (A.3.1). Rows below the image and columns right of it repeat its last row and column, so
 * the padding in the last MCUs costs few bits and decodes to nothing visible.
 */
function toYCbCr(p: Float32Array, data: Uint8Array, width: number, height: number, top: number, lines: number, stride: number): void {
	const cb = stride * lines, cr = 2 * cb;
	for (let line = 0; line < lines; line++) {
		let i = Math.min(top + line, height - 1) * width * 4;
		const start = line * stride, end = start + width;
		for (let o = start; o < end; o++, i += 4) {
			const r = data[i], g = data[i + 1], b = data[i + 2];
			p[o] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
			p[cb + o] = -0.168735892 * r - 0.331264108 * g + 0.5 * b;
			p[cr + o] = 0.5 * r - 0.418687589 * g - 0.081312411 * b;
		}
		for (let o = end; o < start + stride; o++) {
			p[o] = p[end - 1];
			p[cb + o] = p[cb + end - 1];
			p[cr + o] = p[cr + end - 1];
		}
	}
}

/** Fills `block` with the 8x8 samples at `offset` in the strip, averaging h x v samples into each. */
function loadBlock(p: Float32Array, offset: number, stride: number, h: number, v: number): void {
	if (h === 1) {
		for (let y = 0, k = 0; y < 8; y++) {
			const o = offset + y * stride;
			for (let x = 0; x < 8; x++) block[k++] = p[o + x];
		}
	} else if (v === 1) {
		for (let y = 0, k = 0; y < 8; y++) {
			const o = offset + y * stride;
			for (let x = 0; x < 16; x += 2) block[k++] = (p[o + x] + p[o + x + 1]) * 0.5;
		}
	} else {
		for (let y = 0, k = 0; y < 8; y++) {
			const o = offset + 2 * y * stride, o2 = o + stride;
			for (let x = 0; x < 16; x += 2) block[k++] = (p[o + x] + p[o + x + 1] + p[o2 + x] + p[o2 + x + 1]) * 0.25;
		}
	}
}

/** The DCT of `block`, quantized and Huffman coded (F.1.2); returns the DC value, the next block's prediction. */
function encodeBlock(scale: Float64Array, previousDc: number, dc: HuffmanCodes, ac: HuffmanCodes): number {
	fdct(block);
	const dcValue = quantize(block[0] * scale[0]);
	putValue(dc, 0, dcValue - previousDc);
	let run = 0;
	for (let k = 1; k < 64; k++) {
		const n = ZIGZAG[k];
		const value = quantize(block[n] * scale[n]);
		if (value === 0) {
			run++;
			continue;
		}
		for (; run > 15; run -= 16) writer.putBits(ac.code[0xf0], ac.size[0xf0]); // ZRL: sixteen zeros
		putValue(ac, run << 4, value);
		run = 0;
	}
	if (run > 0) writer.putBits(ac.code[0x00], ac.size[0x00]); // EOB
	return dcValue;
}

function quantize(value: number): number {
	return value < 0 ? (value - 0.5) | 0 : (value + 0.5) | 0; // round half away from zero
}

/**
 * F.1.2.1/F.1.2.2: the code for (run << 4 | size), then `size` extra bits, a negative value as value - 1 in
 * them. An 8-bit baseline DCT keeps AC values under 1024 and DC differences under 2048, so size <= 11.
 */
function putValue(table: HuffmanCodes, run: number, value: number): void {
	const size = value === 0 ? 0 : 32 - Math.clz32(value < 0 ? -value : value);
	const symbol = run | size, codeSize = table.size[symbol];
	const extra = (value < 0 ? value - 1 : value) & ((1 << size) - 1);
	// One write for both when they fit the accumulator beside the (at most 7) bits still pending.
	if (codeSize + size <= 24) writer.putBits((table.code[symbol] << size) | extra, codeSize + size);
	else {
		writer.putBits(table.code[symbol], codeSize);
		writer.putBits(extra, size);
	}
}

/** The AAN forward DCT (Arai, Agui, Nakajima; IJG's jfdctflt.c) in place, rows then columns, unscaled. */
function fdct(d: Float64Array): void {
	for (let pass = 0; pass < 2; pass++) {
		const step = pass === 0 ? 1 : 8, next = pass === 0 ? 8 : 1;
		for (let line = 0, o = 0; line < 8; line++, o += next) {
			const i0 = o, i1 = o + step, i2 = o + 2 * step, i3 = o + 3 * step;
			const i4 = o + 4 * step, i5 = o + 5 * step, i6 = o + 6 * step, i7 = o + 7 * step;
			const t0 = d[i0] + d[i7], t7 = d[i0] - d[i7];
			const t1 = d[i1] + d[i6], t6 = d[i1] - d[i6];
			const t2 = d[i2] + d[i5], t5 = d[i2] - d[i5];
			const t3 = d[i3] + d[i4], t4 = d[i3] - d[i4];
			// Even part
			const t10 = t0 + t3, t13 = t0 - t3, t11 = t1 + t2, t12 = t1 - t2;
			d[i0] = t10 + t11;
			d[i4] = t10 - t11;
			const z1 = (t12 + t13) * 0.707106781; // c4
			d[i2] = t13 + z1;
			d[i6] = t13 - z1;
			// Odd part
			const s10 = t4 + t5, s11 = t5 + t6, s12 = t6 + t7;
			const z5 = (s10 - s12) * 0.382683433; // c6
			const z2 = 0.5411961 * s10 + z5; // c2 - c6
			const z4 = 1.306562965 * s12 + z5; // c2 + c6
			const z3 = s11 * 0.707106781; // c4
			const z11 = t7 + z3, z13 = t7 - z3;
			d[i5] = z13 + z2;
			d[i3] = z13 - z2;
			d[i1] = z11 + z4;
			d[i7] = z11 - z4;
		}
	}
}
