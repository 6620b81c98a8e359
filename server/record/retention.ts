// Retention: the segments of every camera on disk, oldest first, with their sizes. A segment goes when
// its footage is older than the age limit, and the oldest go first while all of them together are over
// the size limit; a segment still being written is never deleted. The list is read from disk once at
// start and kept up to date by the recorder, so enforcing it never walks the directory again.

import { readdir, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "pino";
import { INDEX_EXTENSION } from "./index-file";
import { parseSegmentStem, SEGMENT_EXTENSION } from "./segment-writer";

export interface Segment {
	camera: string;
	start: number;
	/** The .mjpeg file; its index is beside it. */
	path: string;
	/** Both files. */
	bytes: number;
}

export interface RetentionLimits {
	/** Footage older than this goes; 0: no age limit. */
	maxAgeMs: number;
	/** All segments together stay under this; 0: no size limit. */
	maxBytes: number;
	/** A segment's footage ends at most this long after its start. */
	segmentMs: number;
}

function indexPathOf(segment: Segment): string {
	return segment.path.slice(0, -SEGMENT_EXTENSION.length) + INDEX_EXTENSION;
}

async function sizeOf(path: string): Promise<number> {
	return stat(path).then((stats) => stats.size, () => 0);
}

export class Retention {
	readonly #limits: RetentionLimits;
	readonly #log: Logger;
	readonly #segments: Segment[] = []; // by start time, oldest first
	#totalBytes = 0;
	#pruning: Promise<void> = Promise.resolve(); // the last pass queued; #prune never rejects
	/** Segments deleted since start. */
	deleted = 0;

	constructor(limits: RetentionLimits, log: Logger) {
		this.#limits = limits;
		this.#log = log;
	}

	get totalBytes(): number {
		return this.#totalBytes;
	}

	/** Adds the segments already in `dir` (one folder per camera) to the list. */
	async scan(dir: string): Promise<void> {
		for (const folder of await readdir(dir, { withFileTypes: true })) {
			if (!folder.isDirectory()) continue;
			for (const name of await readdir(join(dir, folder.name))) {
				if (!name.endsWith(SEGMENT_EXTENSION)) continue;
				const start = parseSegmentStem(name.slice(0, -SEGMENT_EXTENSION.length));
				if (start === undefined) continue; // not ours: never delete what we did not write
				const path = join(dir, folder.name, name);
				const segment: Segment = { camera: folder.name, start, path, bytes: 0 };
				this.add(segment);
				this.grow(segment, (await sizeOf(path)) + (await sizeOf(indexPathOf(segment))));
			}
		}
	}

	add(segment: Segment): void {
		let at = this.#segments.length;
		while (at > 0 && this.#segments[at - 1].start > segment.start) at--; // new segments are nearly always the newest
		this.#segments.splice(at, 0, segment);
		this.#totalBytes += segment.bytes;
	}

	grow(segment: Segment, bytes: number): void {
		segment.bytes += bytes;
		this.#totalBytes += bytes;
	}

	/** Whether enforce() has anything to do. */
	due(now: number): boolean {
		const oldest = this.#segments[0];
		return oldest !== undefined && (this.#tooOld(oldest, now) || this.#tooBig());
	}

	/**
	 * Deletes what the limits say must go, except the segments in `open`. Passes run one after the other
	 * (a pass that finds nothing due ends at once), so a later call is never lost behind a running one.
	 */
	enforce(now: number, open: ReadonlySet<string>): Promise<void> {
		this.#pruning = this.#pruning.then(() => this.#prune(now, open));
		return this.#pruning;
	}

	#tooOld(segment: Segment, now: number): boolean {
		return this.#limits.maxAgeMs > 0 && segment.start + this.#limits.segmentMs <= now - this.#limits.maxAgeMs;
	}

	#tooBig(): boolean {
		return this.#limits.maxBytes > 0 && this.#totalBytes > this.#limits.maxBytes;
	}

	async #prune(now: number, open: ReadonlySet<string>): Promise<void> {
		for (let at = 0; at < this.#segments.length;) {
			const segment = this.#segments[at];
			if (!this.#tooOld(segment, now) && !this.#tooBig()) return; // oldest first: nothing after it is due either
			if (open.has(segment.path)) {
				at++;
				continue;
			}
			this.#segments.splice(at, 1);
			this.#totalBytes -= segment.bytes;
			this.deleted++;
			for (const path of [segment.path, indexPathOf(segment)]) {
				await unlink(path).catch((error: NodeJS.ErrnoException) => {
					// Forgotten either way: retrying every pass would log the same line forever.
					if (error.code !== "ENOENT") this.#log.error({ path, code: error.code }, "retention cannot delete " + path + ": " + error.code);
				});
			}
			this.#log.debug({ camera: segment.camera, path: segment.path, bytes: segment.bytes }, "retention deleted " + segment.path);
		}
	}
}
