// Finds where a JPEG ends by walking its marker segments (ITU T.81 B.1.1): lengths for the segments
// before the scan, then the entropy-coded data up to the next marker that is not a stuffed 0xFF00 or a
// restart. Scanning for FF D9 alone would be fooled by an EXIF thumbnail, which holds a whole JPEG.

/** The JPEG runs past the bytes given: it was cut, or more bytes are needed. */
export const JPEG_INCOMPLETE = -1;
/** The bytes are not a JPEG's structure. */
export const JPEG_CORRUPT = -2;

import { EOI, RST0, RST7, SOI, SOS, TEM } from "../jpeg-markers";

/** The offset just past the EOI of the JPEG whose SOI (FF D8) is at `start`, or JPEG_INCOMPLETE / JPEG_CORRUPT. */
export function jpegEnd(bytes: Uint8Array, start: number): number {
	const length = bytes.byteLength;
	if (start + 2 > length) return JPEG_INCOMPLETE;
	if (bytes[start] !== 0xff || bytes[start + 1] !== SOI) return JPEG_CORRUPT;
	let at = start + 2;
	for (;;) {
		if (at >= length) return JPEG_INCOMPLETE;
		if (bytes[at] !== 0xff) return JPEG_CORRUPT;
		while (at < length && bytes[at] === 0xff) at++; // fill bytes may precede a marker
		if (at >= length) return JPEG_INCOMPLETE;
		const marker = bytes[at++];
		if (marker === EOI) return at;
		if (marker === SOI || marker === 0x00) return JPEG_CORRUPT;
		if (marker === TEM || (marker >= RST0 && marker <= RST7)) continue; // markers without a length
		if (at + 2 > length) return JPEG_INCOMPLETE;
		const segment = (bytes[at] << 8) | bytes[at + 1];
		if (segment < 2) return JPEG_CORRUPT;
		at += segment;
		if (marker !== SOS) continue;
		// Entropy-coded data: 0xFF is followed by 0x00 (a stuffed byte) or a restart marker, or ends the scan.
		for (;;) {
			if (at + 1 >= length) return JPEG_INCOMPLETE;
			if (bytes[at] === 0xff) {
				const next = bytes[at + 1];
				if (next !== 0x00 && next !== 0xff && !(next >= RST0 && next <= RST7)) break;
				at += next === 0xff ? 1 : 2;
			}
			else at++;
		}
	}
}

/** The offset of the next FF D8 at or after `from`, or -1. */
export function findSoi(bytes: Uint8Array, from: number): number {
	for (let at = bytes.indexOf(0xff, from); at !== -1 && at + 1 < bytes.byteLength; at = bytes.indexOf(0xff, at + 1))
		if (bytes[at + 1] === SOI) return at;
	return -1;
}
