// Real JPEG frames that are cheap to make and easy to tell apart: one rendered test pattern per size,
// with a comment segment (COM, FF FE) after the start-of-image marker naming the frame number, padded
// with more comment segments to any size. Decoders skip comments, so every frame is a valid JPEG.

import { renderTestPattern } from "./test-pattern";

const bases = new Map<string, Uint8Array>();
const MAX_SEGMENT = 0xffff - 2; // a segment's length field counts itself

function base(width: number, height: number): Uint8Array {
	const key = width + "x" + height;
	let bytes = bases.get(key);
	if (!bytes) bases.set(key, bytes = renderTestPattern({ width, height, cameraId: "fixture", frameNumber: 0, captureTime: 0, quality: 50 }));
	return bytes;
}

function comment(payload: Uint8Array): Uint8Array {
	const segment = new Uint8Array(4 + payload.byteLength);
	segment.set([0xff, 0xfe, (payload.byteLength + 2) >> 8, (payload.byteLength + 2) & 0xff]);
	segment.set(payload, 4);
	return segment;
}

/** A JPEG of `width` x `height` marked "frame <n>", at least `minBytes` long. */
export function markedJpeg(frameNumber: number, width: number, height: number, minBytes = 0): Uint8Array {
	const image = base(width, height);
	const segments = [comment(new TextEncoder().encode("frame " + frameNumber))];
	let length = image.byteLength + segments[0].byteLength;
	while (length < minBytes) {
		const padding = comment(new Uint8Array(Math.min(MAX_SEGMENT, Math.max(1, minBytes - length - 4))));
		segments.push(padding);
		length += padding.byteLength;
	}
	const jpeg = new Uint8Array(length);
	jpeg.set(image.subarray(0, 2)); // SOI
	let offset = 2;
	for (const segment of segments) {
		jpeg.set(segment, offset);
		offset += segment.byteLength;
	}
	jpeg.set(image.subarray(2), offset);
	return jpeg;
}

/** The frame number a markedJpeg() carries. */
export function frameNumberOf(jpeg: Uint8Array): number {
	const length = (jpeg[4] << 8) | jpeg[5];
	const text = new TextDecoder().decode(jpeg.subarray(6, 4 + length));
	return Number(text.slice("frame ".length));
}
