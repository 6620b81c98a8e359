// One segment of one camera's recording: <start>.mjpeg, the JPEGs back to back (ffmpeg and VLC play it
// as MJPEG), and <start>.idx, its index (index-file.ts). Each frame's bytes are written before its index
// entry, so after a crash the index never points past the data, and the reader drops at most a cut
// last frame. Files are opened through an injectable function, which is how tests meet a full disk.

import { open } from "node:fs/promises";
import { join } from "node:path";
import { encodeEntry, indexHeader, INDEX_EXTENSION } from "./index-file";

/** The part of a FileHandle a segment needs. */
export interface AppendFile {
	write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
	close(): Promise<void>;
}

/** Creates a new file for writing; fails if it exists (two writers must never share a segment). */
export type OpenFile = (path: string) => Promise<AppendFile>;

export const openNewFile: OpenFile = (path) => open(path, "wx");

export const SEGMENT_EXTENSION = ".mjpeg";
const STEM_PATTERN = /^(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2}\.\d{3})Z$/;

/** A segment's file name without extension: its start time in UTC, sortable, without ':' (Windows, Samba). */
export function segmentStem(start: number): string {
	return new Date(start).toISOString().replace(/:/g, "-");
}

/** The start time a segment's stem names, or undefined for a file that is not a segment. */
export function parseSegmentStem(stem: string): number | undefined {
	const match = STEM_PATTERN.exec(stem);
	if (match === null) return undefined;
	const time = Date.parse(match[1] + "T" + match[2] + ":" + match[3] + ":" + match[4] + "Z");
	return Number.isNaN(time) ? undefined : time;
}

async function writeAll(file: AppendFile, bytes: Uint8Array): Promise<void> {
	for (let done = 0; done < bytes.byteLength;) {
		const { bytesWritten } = await file.write(bytes, done, bytes.byteLength - done);
		if (bytesWritten <= 0) throw new Error("write made no progress");
		done += bytesWritten;
	}
}

export class SegmentWriter {
	readonly path: string;
	readonly indexPath: string;
	readonly start: number;
	/** Bytes of both files so far. */
	bytes = 0;
	readonly #data: AppendFile;
	readonly #index: AppendFile;
	#offset = 0;

	private constructor(path: string, indexPath: string, start: number, data: AppendFile, index: AppendFile) {
		this.path = path;
		this.indexPath = indexPath;
		this.start = start;
		this.#data = data;
		this.#index = index;
	}

	/** Creates the two files of a segment starting at `start` in `dir`. */
	static async create(dir: string, start: number, openFile: OpenFile): Promise<SegmentWriter> {
		const stem = join(dir, segmentStem(start));
		const data = await openFile(stem + SEGMENT_EXTENSION);
		let index: AppendFile;
		try {
			index = await openFile(stem + INDEX_EXTENSION);
		}
		catch (error) {
			await data.close().catch(() => {});
			throw error;
		}
		const writer = new SegmentWriter(stem + SEGMENT_EXTENSION, stem + INDEX_EXTENSION, start, data, index);
		const header = indexHeader();
		await writer.#written(writeAll(index, header), header.byteLength);
		return writer;
	}

	/** Appends one frame and its index entry; resolves with the bytes added to disk. */
	async append(jpeg: Uint8Array, captureTime: number): Promise<number> {
		const offset = this.#offset;
		await this.#written(writeAll(this.#data, jpeg), jpeg.byteLength);
		this.#offset += jpeg.byteLength;
		const entry = encodeEntry({ offset, length: jpeg.byteLength, captureTime });
		await this.#written(writeAll(this.#index, entry), entry.byteLength);
		return jpeg.byteLength + entry.byteLength;
	}

	/** Closes both files, even when closing the first fails; rejects with the first error. */
	async close(): Promise<void> {
		const results = await Promise.allSettled([this.#data.close(), this.#index.close()]);
		const failed = results.find((result) => result.status === "rejected");
		if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
	}

	async #written(writing: Promise<void>, bytes: number): Promise<void> {
		await writing;
		this.bytes += bytes;
	}
}
