// Reads the frames back from a segment, whatever state a crash or a power cut left it in: it trusts the
// index only as far as the index agrees with the data (contiguous entries, each a complete JPEG), scans
// the JPEG structure from there on, and ignores a last frame that was cut. Memory stays at one read
// window, however long the segment.

import { open, readFile } from "node:fs/promises";
import { INDEX_EXTENSION, parseIndex } from "./index-file";
import { findSoi, JPEG_INCOMPLETE, jpegEnd } from "./jpeg-scan";
import { SEGMENT_EXTENSION } from "./segment-writer";

export interface RecordedFrame {
	/** Where the frame starts in the segment. */
	offset: number;
	/** The frame's bytes; owned by the caller. */
	jpeg: Buffer;
	/** From the index; undefined for a frame found by scanning. */
	captureTime: number | undefined;
}

export interface ReadOptions {
	/** Largest frame expected; a scan gives up on a "frame" longer than this (default 64 MiB). */
	maxFrameBytes?: number;
}

const SCAN_WINDOW_BYTES = 1024 * 1024;

function indexPathOf(segmentPath: string): string {
	const stem = segmentPath.endsWith(SEGMENT_EXTENSION) ? segmentPath.slice(0, -SEGMENT_EXTENSION.length) : segmentPath;
	return stem + INDEX_EXTENSION;
}

/** The complete frames of the segment at `path`, in order. */
export async function* readSegment(path: string, options: ReadOptions = {}): AsyncGenerator<RecordedFrame> {
	const maxFrameBytes = options.maxFrameBytes ?? 64 * 1024 * 1024;
	const file = await open(path, "r");
	try {
		const size = (await file.stat()).size;
		const read = async (offset: number, length: number): Promise<Buffer> => {
			const bytes = Buffer.alloc(Math.max(0, Math.min(length, size - offset)));
			let done = 0;
			while (done < bytes.byteLength) {
				const { bytesRead } = await file.read(bytes, done, bytes.byteLength - done, offset + done);
				if (bytesRead === 0) break;
				done += bytesRead;
			}
			return bytes.subarray(0, done);
		};

		// 1. The index, while each entry starts where the last one ended and holds one whole JPEG.
		let offset = 0;
		const entries = parseIndex(await readFile(indexPathOf(path)).catch(() => Buffer.alloc(0)));
		for (const entry of entries) {
			if (entry.offset !== offset || entry.length > maxFrameBytes || entry.offset + entry.length > size) break;
			const jpeg = await read(entry.offset, entry.length);
			const end = jpegEnd(jpeg, 0);
			if (end < 0) break; // a partly written frame (zeros after a power cut, or cut short)
			yield { offset, jpeg, captureTime: entry.captureTime };
			offset += entry.length;
		}

		// 2. The rest by scanning: frames written after the last index entry, or after a bad one.
		let window = SCAN_WINDOW_BYTES;
		while (offset < size) {
			const bytes = await read(offset, window);
			const soi = findSoi(bytes, 0);
			if (soi === -1) {
				offset += Math.max(1, bytes.byteLength - 1); // keep a trailing FF: it may start the next SOI
				continue;
			}
			const end = jpegEnd(bytes, soi);
			if (end === JPEG_INCOMPLETE && offset + bytes.byteLength >= size) break; // the last frame, cut: ignored
			if (end === JPEG_INCOMPLETE && bytes.byteLength - soi < maxFrameBytes) {
				offset += soi;
				window *= 2; // a frame larger than the window: read more of it
				continue;
			}
			if (end < 0) { // corrupt, or longer than any frame: not a frame after all, look for the next SOI
				offset += soi + 2;
				window = SCAN_WINDOW_BYTES;
				continue;
			}
			yield { offset: offset + soi, jpeg: Buffer.from(bytes.subarray(soi, end)), captureTime: undefined };
			offset += end;
			window = SCAN_WINDOW_BYTES;
		}
	}
	finally {
		await file.close();
	}
}
