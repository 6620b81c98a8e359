// A JPEG frame as the payloads of RTP/JPEG packets (RFC 2435), built once per frame and shared by every
// RTSP client: each client only puts its own 12-byte RTP header in front of each payload.
//
// RFC 2435 does not carry the JPEG's headers, only what a receiver cannot assume: the type (4:2:2 or
// 4:2:0 sampling, with or without restart markers), the size in blocks of 8 pixels, and the quantization
// tables (sent in-band with Q = 255, in the first packet of every frame, since a camera's quality can
// change between frames). The receiver rebuilds the headers with the Huffman tables of the JPEG
// standard (Annex K.3), so a frame coded with any other tables would decode as garbage there: such a
// frame, like any the format cannot carry, is refused with the reason, never sent. The OV2640's frames
// are baseline with the standard tables (the ESP32 RTSP servers send them so); docs/hardware.md says
// what a board must still confirm.

import { DHT, DQT, DRI, SOF0, SOI, SOS } from "../jpeg-markers";
import { jpegEnd } from "../record/jpeg-scan";
import { STANDARD_HUFFMAN_TABLES } from "./jpeg-tables";

/** One frame's packets, without their RTP headers. */
export interface RtpJpegFrame {
	/** Each payload: the RFC 2435 headers and a fragment of the scan. The last one ends the frame (the RTP marker bit). */
	readonly payloads: readonly Buffer[];
	/** Bytes of all payloads, for the RTCP sender report's octet count. */
	readonly bytes: number;
}

/** Why a frame cannot go as RTP/JPEG. */
export interface Unsupported {
	readonly unsupported: string;
}


interface Component {
	id: number;
	h: number;
	v: number;
	table: number;
}

interface Parsed {
	width: number;
	height: number;
	components: Component[];
	tables: Map<number, Buffer>;
	huffman: Buffer[];
	restartInterval: number;
	scan: Buffer;
}

/** The segments of a baseline JPEG up to its scan; a string says what is wrong. */
function parse(jpeg: Buffer): Parsed | string {
	if (jpeg.length < 4 || jpeg[0] !== 0xff || jpeg[1] !== SOI) return "not a JPEG (no SOI marker)";
	const parsed: Parsed = { width: 0, height: 0, components: [], tables: new Map(), huffman: [], restartInterval: 0, scan: Buffer.alloc(0) };
	let at = 2;
	while (at + 4 <= jpeg.length) {
		if (jpeg[at] !== 0xff) return "no marker at byte " + at;
		const marker = jpeg[at + 1];
		if (marker === 0xff) { // fill byte
			at++;
			continue;
		}
		const length = jpeg.readUInt16BE(at + 2);
		const body = jpeg.subarray(at + 4, at + 2 + length);
		if (length < 2 || body.length !== length - 2) return "segment 0x" + marker.toString(16) + " runs past the end";
		switch (marker) {
			case DQT:
				for (let t = 0; t < body.length;) {
					const precision = body[t] >> 4;
					if (precision !== 0) return "16-bit quantization tables";
					if (t + 65 > body.length) return "a short quantization table";
					parsed.tables.set(body[t] & 15, body.subarray(t + 1, t + 65));
					t += 65;
				}
				break;
			case DHT:
				parsed.huffman.push(body);
				break;
			case DRI:
				parsed.restartInterval = body.readUInt16BE(0);
				break;
			case SOF0:
				if (body[0] !== 8) return "samples of " + body[0] + " bits";
				parsed.height = body.readUInt16BE(1);
				parsed.width = body.readUInt16BE(3);
				for (let c = 0; c < body[5]; c++) {
					const at = 6 + 3 * c;
					parsed.components.push({ id: body[at], h: body[at + 1] >> 4, v: body[at + 1] & 15, table: body[at + 2] });
				}
				break;
			case SOS: {
				const end = jpegEnd(jpeg, 0); // past the EOI; what a camera pads after it is not the scan's
				if (end < 0) return "no EOI marker after the scan";
				parsed.scan = jpeg.subarray(at + 2 + length, end - 2);
				return parsed;
			}
			default:
				if (marker >= 0xc1 && marker <= 0xcf && marker !== DHT && marker !== 0xc8 && marker !== 0xcc)
					return "not baseline (SOF marker 0x" + marker.toString(16) + ")";
		}
		at += 2 + length;
	}
	return "no scan (SOS marker)";
}

/** The RFC 2435 type of the frame's sampling (+ 64 with restart markers), or why there is none. */
function typeOf({ components, restartInterval }: Parsed): number | string {
	if (components.length !== 3) return components.length + " components (RTP/JPEG carries YCbCr only)";
	const [y, cb, cr] = components;
	if (cb.h !== 1 || cb.v !== 1 || cr.h !== 1 || cr.v !== 1 || y.h !== 2 || (y.v !== 1 && y.v !== 2))
		return "sampling " + components.map((c) => c.h + "x" + c.v).join(" ") + " (RTP/JPEG carries 4:2:2 and 4:2:0)";
	if (cb.table !== cr.table) return "Cb and Cr with different quantization tables";
	return (y.v === 1 ? 0 : 1) + (restartInterval > 0 ? 64 : 0);
}

/** Whether the DHT segments hold exactly the four standard tables, in any order and grouping. */
function standardHuffman(segments: Buffer[]): boolean {
	const found = new Map<number, Buffer>();
	for (const segment of segments) {
		for (let at = 0; at < segment.length;) {
			const counts = segment.subarray(at + 1, at + 17);
			if (counts.length !== 16) return false;
			const total = counts.reduce((sum, count) => sum + count, 0);
			found.set(segment[at], segment.subarray(at, at + 17 + total));
			at += 17 + total;
		}
	}
	if (found.size === 0) return true; // none given: the standard ones are meant (as in Motion-JPEG AVI)
	return found.size === STANDARD_HUFFMAN_TABLES.size &&
		[...STANDARD_HUFFMAN_TABLES].every(([id, table]) => found.get(id)?.equals(table) === true);
}

/**
 * The RTP payloads of `jpeg`, each at most `maxPayload` bytes, or why it cannot go as RTP/JPEG.
 * Restart intervals are not aligned to packets (F = L = 1, count 0x3FFF: RFC 2435, 3.1.7), so a
 * packet carries as much of the scan as fits.
 */
export function rtpJpeg(jpeg: Buffer, maxPayload: number): RtpJpegFrame | Unsupported {
	const parsed = parse(jpeg);
	if (typeof parsed === "string") return { unsupported: parsed };
	const type = typeOf(parsed);
	if (typeof type === "string") return { unsupported: type };
	const { width, height, components, tables, restartInterval, scan } = parsed;
	if (width === 0 || height === 0 || width > 2040 || height > 2040) return { unsupported: width + "x" + height + " (RTP/JPEG carries up to 2040x2040)" };
	if (scan.length >= 2 ** 24) return { unsupported: "a scan of " + scan.length + " bytes (the fragment offset has 24 bits)" };
	if (!standardHuffman(parsed.huffman)) return { unsupported: "Huffman tables other than the standard ones (RTP/JPEG assumes those)" };
	const luma = tables.get(components[0].table);
	const chroma = tables.get(components[1].table);
	if (luma === undefined || chroma === undefined) return { unsupported: "a quantization table it refers to is missing" };

	const main = Buffer.alloc(8);
	main[4] = type;
	main[5] = 255; // Q: the tables are in the frame
	main[6] = Math.ceil(width / 8);
	main[7] = Math.ceil(height / 8);
	const restart = restartInterval > 0 ? Buffer.of(restartInterval >> 8, restartInterval & 0xff, 0xff, 0xff) : undefined;
	const quantization = Buffer.concat([Buffer.of(0, 0, 0, 128), luma, chroma]); // MBZ, precision (8-bit), length
	const payloads: Buffer[] = [];
	let bytes = 0;
	let offset = 0;
	do { // an empty scan still makes one packet
		const head = Buffer.from(main);
		head.writeUIntBE(offset, 1, 3);
		const headers = [head, ...(restart ? [restart] : []), ...(offset === 0 ? [quantization] : [])];
		const room = maxPayload - headers.reduce((sum, header) => sum + header.length, 0);
		const payload = Buffer.concat([...headers, scan.subarray(offset, offset + room)]);
		payloads.push(payload);
		bytes += payload.length;
		offset += room;
	} while (offset < scan.length);
	return { payloads, bytes };
}
