// Recording: each recorded camera's frames go to segment files on disk (segment-writer.ts), a new one
// every segment length, with retention by age and total size (retention.ts). The disk never slows the
// camera or its viewers: each camera has a short queue written in the background, and frames that find
// it full are dropped from the recording (and counted). A write error (ENOSPC, EIO, ...) stops that
// camera's recording with one error line and a metric, and streaming goes on; it tries again with the
// next segment, so a disk that retention or a person frees does not leave a camera unrecorded for months.

import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Camera, ReceivedFrame } from "../cameras/camera";
import { lend, type Loan } from "../cameras/reusable-frame";
import type { Cancel } from "../clock";
import type { Core, Part } from "../core";
import { xscamError } from "../errors";
import { counter, gauge } from "../metrics";
import { Retention } from "./retention";
import type { Segment } from "./retention";
import { openNewFile, SegmentWriter } from "./segment-writer";

/** Frames waiting for the disk, per camera: about 3 s at 10 fps, and at most this many messages' worth of memory. */
export const QUEUE_FRAMES = 32;
/** How often age retention runs between rotations. */
const RETENTION_CHECK_MS = 60_000;

/** A frame waiting for the disk: its JPEG, lent until it is written (cameras/reusable-frame.ts), and its times. */
interface Queued extends Pick<ReceivedFrame, "captureTime" | "receivedAt"> {
	readonly loan: Loan;
}

class CameraRecorder {
	bytes = 0;
	errors = 0;
	dropped = 0;
	readonly #camera: Camera;
	readonly #core: Core;
	readonly #retention: Retention;
	readonly #openPaths: () => ReadonlySet<string>;
	readonly #queue: Queued[] = [];
	#writing: Promise<void> | undefined;
	#segment: { writer: SegmentWriter; record: Segment } | undefined;
	#retryAt = 0; // after a failure, frames received before this are not recorded

	constructor(camera: Camera, core: Core, retention: Retention, openPaths: () => ReadonlySet<string>) {
		this.#camera = camera;
		this.#core = core;
		this.#retention = retention;
		this.#openPaths = openPaths;
	}

	get path(): string | undefined {
		return this.#segment?.writer.path;
	}

	offer(frame: ReceivedFrame): void {
		if (frame.receivedAt < this.#retryAt) return;
		if (this.#queue.length >= QUEUE_FRAMES) {
			this.dropped++;
			return;
		}
		this.#queue.push({ loan: lend(frame), captureTime: frame.captureTime, receivedAt: frame.receivedAt });
		this.#writing ??= this.#drain();
	}

	/** Writes what is queued, then closes the segment. */
	async close(): Promise<void> {
		await this.#writing;
		await this.#closeSegment();
	}

	/** Writes the queue out; the only writer of this camera's files while it runs. */
	async #drain(): Promise<void> {
		for (let frame = this.#queue.shift(); frame !== undefined; frame = this.#queue.shift()) {
			try {
				await this.#write(frame);
			}
			catch (error) {
				await this.#fail(error as NodeJS.ErrnoException, frame);
			}
			finally {
				frame.loan.release();
			}
		}
		this.#writing = undefined; // in the same turn as the empty check: a frame offered later starts a new drain
	}

	async #write(frame: Queued): Promise<void> {
		const { segmentMs } = this.#core.options;
		if (this.#segment === undefined || frame.receivedAt >= this.#segment.writer.start + segmentMs) await this.#rotate(frame.receivedAt);
		const { writer, record } = this.#segment!;
		const added = await writer.append(frame.loan.jpeg, frame.captureTime);
		this.bytes += added;
		this.#retention.grow(record, added);
		const now = this.#core.clock.now();
		if (this.#retention.due(now)) void this.#retention.enforce(now, this.#openPaths());
	}

	async #rotate(start: number): Promise<void> {
		const { options } = this.#core;
		await this.#closeSegment();
		const dir = join(options.recordingDir, this.#camera.id);
		await mkdir(dir, { recursive: true });
		const writer = await SegmentWriter.create(dir, start, options.openFile ?? openNewFile);
		const record: Segment = { camera: this.#camera.id, start, path: writer.path, bytes: 0 };
		this.#segment = { writer, record };
		this.#retention.add(record);
		this.#retention.grow(record, writer.bytes);
		if (this.#camera.recording.state === "failed")
			this.#core.log.info({ camera: this.#camera.id, path: writer.path }, "recording resumed for camera " + this.#camera.id);
		Object.assign(this.#camera.recording, { state: "recording", segment: writer.path, error: undefined });
		await this.#retention.enforce(this.#core.clock.now(), this.#openPaths());
	}

	async #closeSegment(): Promise<void> {
		const segment = this.#segment;
		this.#segment = undefined;
		await segment?.writer.close();
	}

	async #fail(error: NodeJS.ErrnoException, frame: Queued): Promise<void> {
		const { log, options } = this.#core;
		const path = this.#segment?.writer.path;
		this.errors++;
		for (const queued of this.#queue.splice(0)) queued.loan.release();
		this.#retryAt = frame.receivedAt + options.segmentMs;
		await this.#closeSegment().catch(() => {}); // the write error is the one worth reporting
		const code = error.code ?? "EIO";
		const stopped = xscamError("XSCAM_ERR_RECORDING", this.#camera.id, error.message);
		Object.assign(this.#camera.recording, { state: "failed", segment: undefined, error: stopped.message });
		log.error({ camera: this.#camera.id, code: stopped.code, cause: code, path },
			stopped.message + "; streaming goes on, recording retries in " + options.segmentMs / 1000 + " s");
	}
}

export function registerRecorder(core: Core): Part {
	const { options, clock, log, registry } = core;
	if (!options.record && options.recordCameras.length === 0) return { close: async () => {} };
	const records = (id: string) => options.record || options.recordCameras.includes(id);
	const retention = new Retention({ maxAgeMs: options.retentionMaxAgeMs, maxBytes: options.retentionMaxBytes, segmentMs: options.segmentMs }, log);
	const recorders = new Map<string, CameraRecorder>();
	const openPaths = () => new Set([...recorders.values()].flatMap((recorder) => recorder.path ?? []));
	let unsubscribe: Cancel | undefined;
	let unfollow: Cancel | undefined;
	const retiring = new Set<Promise<void>>(); // recorders of forgotten cameras, closing
	let cancelTimer: Cancel | undefined;

	const perCamera = (read: (recorder: CameraRecorder) => number) => (report: (labels: { camera: string }, value: number) => void) =>
		recorders.forEach((recorder, camera) => report({ camera }, read(recorder)));
	counter(registry, "xscam_recording_bytes_total", "Bytes written to recordings (segments and indexes)", ["camera"], perCamera((r) => r.bytes));
	counter(registry, "xscam_recording_errors_total", "Write errors that stopped a camera's recording", ["camera"], perCamera((r) => r.errors));
	counter(registry, "xscam_recording_frames_dropped_total", "Frames not recorded because the disk was behind", ["camera"], perCamera((r) => r.dropped));
	gauge(registry, "xscam_recording_active", "1 while a camera's recording is writing a segment", ["camera"], perCamera((r) => (r.path ? 1 : 0)));
	gauge(registry, "xscam_recording_disk_bytes", "Bytes of all segments on disk", [], (report) => report({}, retention.totalBytes));
	counter(registry, "xscam_recording_segments_deleted_total", "Segments deleted by retention", [], (report) => report({}, retention.deleted));

	return {
		async start() {
			try {
				await mkdir(options.recordingDir, { recursive: true });
				await retention.scan(options.recordingDir);
			}
			catch (error) {
				throw xscamError("XSCAM_ERR_RECORDING_DIR", options.recordingDir, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
			}
			await retention.enforce(clock.now(), new Set());
			unsubscribe = core.frames.subscribe((camera, frame) => {
				if (!records(camera.id)) return;
				let recorder = recorders.get(camera.id);
				if (recorder === undefined) {
					recorder = new CameraRecorder(camera, core, retention, openPaths);
					recorders.set(camera.id, recorder);
				}
				recorder.offer(frame);
			});
			// A camera the receiver forgets ends its segment; one that comes back with its id is new.
			unfollow = core.cameras.subscribe((camera, change) => {
				const recorder = recorders.get(camera.id);
				if (change !== "removed" || recorder === undefined) return;
				recorders.delete(camera.id);
				const closing = recorder.close().catch(() => {}).finally(() => retiring.delete(closing));
				retiring.add(closing);
			});
			cancelTimer = clock.every(RETENTION_CHECK_MS, () => void retention.enforce(clock.now(), openPaths()));
		},
		async close() {
			unsubscribe?.();
			unfollow?.();
			cancelTimer?.();
			await Promise.all([...recorders.values()].map((recorder) => recorder.close().catch(() => {})).concat([...retiring]));
			await retention.enforce(clock.now(), openPaths()); // waits for a pass already running
		},
	};
}
