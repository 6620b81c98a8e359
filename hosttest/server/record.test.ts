// Recording: segments that rotate on the receiver's clock, retention by age and by size, segments cut
// by a crash that still read back, and a full disk that stops recording, not streaming.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, appendFileSync, writeFileSync, mkdirSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { INDEX_ENTRY_BYTES, INDEX_HEADER_BYTES, parseIndex } from "../../server/record/index-file";
import { readSegment } from "../../server/record/reader";
import type { RecordedFrame } from "../../server/record/reader";
import { segmentStem } from "../../server/record/segment-writer";
import type { OpenFile } from "../../server/record/segment-writer";
import { renderTestPattern } from "../host/test-pattern";
import { FakeCamera } from "./helpers/fake-camera";
import { ERROR, startReceiver, syntheticJpeg, until } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";

const MINUTE = 60_000;
/** These tests move the clock by minutes and days: pings that rare keep the cameras from being closed as silent. */
const RARE_PINGS = { pingIntervalMs: 3_600_000 };
let dir: string;
let harness: Harness | undefined;

beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), "xscam-record-"));
});
afterEach(async () => {
	await harness?.close();
	if (harness) expect(harness.clock.pending, "timers left after close").toBe(0);
	harness = undefined;
	rmSync(dir, { recursive: true, force: true });
});

const pattern = (n: number, captureTime: number) =>
	renderTestPattern({ width: 64, height: 48, cameraId: "cam", frameNumber: n, captureTime, quality: 60 });

async function readAll(path: string): Promise<RecordedFrame[]> {
	const frames: RecordedFrame[] = [];
	for await (const frame of readSegment(path)) frames.push(frame);
	return frames;
}

const segmentsOf = (camera: string) => readdirSync(join(dir, camera)).filter((name) => name.endsWith(".mjpeg")).sort();

/** Sends a frame and waits until the receiver has taken it. */
async function frame(camera: FakeCamera, id: string, jpeg: Uint8Array, captureTime: number): Promise<void> {
	const before = harness!.receiver.status(id)!.frames.received;
	camera.frame(jpeg, { captureTime });
	await until(() => harness!.receiver.status(id)!.frames.received === before + 1, "frame at the receiver");
}

describe("segments", () => {
	it("records real frames into segments that rotate every segment length and read back exactly", async () => {
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir, segmentMs: MINUTE });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const sent: { jpeg: Uint8Array; captureTime: number }[] = [];
		// 1. 5 frames in each of 3 minutes, 12 s apart
		for (let n = 0; n < 15; n++) {
			const captureTime = harness.clock.now() - 30;
			const jpeg = pattern(n, captureTime);
			sent.push({ jpeg, captureTime });
			await frame(camera, "cam", jpeg, captureTime);
			harness.clock.advance(12_000);
		}
		await camera.close();
		await harness.close(); // flushes the queue and closes the files
		// 2. three segments named by their start, each with an index
		const start = harness.clock.now() - 15 * 12_000;
		expect(segmentsOf("cam")).toEqual([0, 1, 2].map((m) => segmentStem(start + m * MINUTE) + ".mjpeg"));
		// 3. every frame back, in order, with its capture time from the index
		const frames = (await Promise.all(segmentsOf("cam").map((name) => readAll(join(dir, "cam", name))))).flat();
		expect(frames.length).toBe(15);
		frames.forEach((got, n) => {
			expect(Buffer.from(sent[n].jpeg).equals(got.jpeg)).toBe(true);
			expect(got.captureTime).toBe(sent[n].captureTime);
		});
		// 4. the segment is plain concatenated JPEGs: the first bytes are the first frame's
		const first = readFileSync(join(dir, "cam", segmentsOf("cam")[0]));
		expect(first.subarray(0, sent[0].jpeg.length).equals(Buffer.from(sent[0].jpeg))).toBe(true);
		expect(first.length).toBe(sent.slice(0, 5).reduce((sum, { jpeg }) => sum + jpeg.length, 0));
	});

	it("keeps recording into the same segment when the camera reconnects", async () => {
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir });
		const [one, two] = [harness.clock.now() - 20, harness.clock.now() - 10]; // stamps the receiver believes (within a minute)
		const first = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		await frame(first, "cam", pattern(0, one), one);
		const second = (await FakeCamera.online(harness.ingestPort, "cam")).camera; // takes over: the first is closed
		await first.closed;
		await frame(second, "cam", pattern(1, two), two);
		await second.close();
		await harness.close();
		expect(segmentsOf("cam").length).toBe(1);
		expect((await readAll(join(dir, "cam", segmentsOf("cam")[0]))).map((got) => got.captureTime)).toEqual([one, two]);
	});

	it("ends a forgotten camera's segment; a camera that comes back with its id records anew, and says so", async () => {
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir });
		const stamp = harness.clock.now() - 10;
		const first = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		await frame(first, "cam", pattern(0, stamp), stamp);
		await first.close();
		await until(() => harness!.receiver.status("cam")!.online === false, "the camera offline");
		expect((await fetch(harness.base + "/api/cameras/cam", { method: "DELETE" })).status).toBe(204);
		expect(await harness.receiver.registry.getSingleMetricAsString("xscam_recording_active")).not.toMatch(/camera="cam"/);
		harness.clock.advance(MINUTE); // a new segment name: the clock has moved on
		const second = (await FakeCamera.online(harness.ingestPort, "cam")).camera;
		await frame(second, "cam", pattern(1, harness.clock.now() - 10), harness.clock.now() - 10);
		await until(() => harness!.receiver.status("cam")!.recording.state === "recording", "the new camera recording");
		await second.close();
		await harness.close();
		expect(segmentsOf("cam").length).toBe(2);
	});

	it("records only the cameras listed, when no --record", async () => {
		harness = await startReceiver({ ...RARE_PINGS, recordCameras: ["yes"], recordingDir: dir });
		const yes = (await FakeCamera.online(harness.ingestPort, "yes")).camera;
		const no = (await FakeCamera.online(harness.ingestPort, "no")).camera;
		const stamp = harness.clock.now() - 10;
		await frame(yes, "yes", pattern(0, stamp), stamp);
		await frame(no, "no", pattern(0, stamp), stamp);
		await until(() => harness!.receiver.status("yes")!.recording.state === "recording", "recording");
		expect(harness.receiver.status("no")!.recording).toEqual({ state: "off" });
		await Promise.all([yes.close(), no.close()]);
		await harness.close();
		expect(readdirSync(dir)).toEqual(["yes"]);
	});

	it("refuses to start with a recording directory it cannot use, in one coded line", async () => {
		const file = join(dir, "a-file");
		writeFileSync(file, "");
		await expect(startReceiver({ record: true, recordingDir: join(file, "sub") })).rejects.toMatchObject({ code: "XSCAM_ERR_RECORDING_DIR" });
	});
});

describe("retention", () => {
	/** Puts a fake old segment (and index) on disk. */
	function oldSegment(camera: string, start: number, bytes: number): string {
		mkdirSync(join(dir, camera), { recursive: true });
		const stem = join(dir, camera, segmentStem(start));
		writeFileSync(stem + ".mjpeg", syntheticJpeg(bytes));
		writeFileSync(stem + ".idx", Buffer.alloc(INDEX_HEADER_BYTES));
		return segmentStem(start) + ".mjpeg";
	}

	it("deletes footage older than the age limit, at start and then as time passes; leaves files that are not segments", async () => {
		const now = Date.UTC(2025, 10, 26, 12, 0, 0); // the manual clock's start
		const day = 24 * 60 * MINUTE;
		oldSegment("cam", now - 10 * day, 1000);
		const recent = oldSegment("cam", now - 6 * day, 1000);
		writeFileSync(join(dir, "cam", "notes.mjpeg"), "mine"); // not a segment name: never touched
		harness = await startReceiver({ ...RARE_PINGS, recordCameras: ["cam"], recordingDir: dir, retentionMaxAgeMs: 7 * day, segmentMs: 10 * MINUTE });
		expect(segmentsOf("cam")).toEqual([recent, "notes.mjpeg"].sort());
		harness.clock.advance(1 * day + 10 * MINUTE); // the recent one's footage is now over 7 days old
		await until(() => readdirSync(join(dir, "cam")).length === 1, "the second deletion");
		expect(readdirSync(join(dir, "cam"))).toEqual(["notes.mjpeg"]);
		const metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toContain("\nxscam_recording_segments_deleted_total 2\n");
	});

	it("deletes the oldest segments first, of any camera, while all of them take more than the size limit", async () => {
		const limit = 1024 * 1024;
		const now = Date.UTC(2025, 10, 26, 12, 0, 0);
		const onDisk = () => ["a", "b", "c"].flatMap((camera) => segmentsOf(camera).map((name) => camera + "/" + name))
			.sort((x, y) => (x.slice(2) < y.slice(2) ? -1 : 1)); // by start time, oldest first
		const bytesOnDisk = () => onDisk().reduce((sum, name) => sum + statSync(join(dir, name)).size + statSync(join(dir, name.replace(/\.mjpeg$/, ".idx"))).size, 0);
		mkdirSync(join(dir, "c"));
		const oldest = oldSegment("a", now - 50 * MINUTE, 400_000);
		const older = oldSegment("b", now - 40 * MINUTE, 400_000);
		const old = oldSegment("a", now - 30 * MINUTE, 400_000);
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir, retentionMaxBytes: limit, retentionMaxAgeMs: 0, segmentMs: MINUTE });
		expect(onDisk()).toEqual(["b/" + older, "a/" + old]); // 1.2 MB on disk: the oldest went, and 0.8 MB fit
		// 1. a new segment of 300 KB each minute: the oldest keep going, whichever camera they belong to
		const { camera } = await FakeCamera.online(harness.ingestPort, "c");
		const recorded: string[] = [];
		for (let n = 0; n < 6; n++) {
			recorded.push("c/" + segmentStem(harness.clock.now()) + ".mjpeg");
			await frame(camera, "c", syntheticJpeg(300_000, n + 1), harness.clock.now());
			harness.clock.advance(MINUTE);
		}
		await camera.close();
		await harness.close();
		// 2. what is left is the newest segments, and they fit
		expect(bytesOnDisk()).toBeLessThanOrEqual(limit);
		const all = ["a/" + oldest, "b/" + older, "a/" + old, ...recorded];
		expect(onDisk()).toEqual(all.slice(all.length - onDisk().length));
		expect(onDisk()).toEqual(recorded.slice(3)); // three of 300 KB fit in 1 MiB, four would not
	});
});

describe("reading a segment a crash left behind", () => {
	/** The capture time of frame `n` of recordSegment(): 100 ms apart, a second before the receiver's clock. */
	const stampOf = (n: number) => harness!.clock.now() - 1000 + n * 100;

	/** Records `count` real frames into one segment and returns its path and the frames. */
	async function recordSegment(count: number): Promise<{ path: string; sent: Uint8Array[] }> {
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const sent: Uint8Array[] = [];
		for (let n = 0; n < count; n++) {
			sent.push(pattern(n, stampOf(n)));
			await frame(camera, "cam", sent[n], stampOf(n));
		}
		await camera.close();
		await harness.close();
		return { path: join(dir, "cam", segmentsOf("cam")[0]), sent };
	}

	const same = (frames: RecordedFrame[], sent: Uint8Array[]) => frames.length === sent.length && frames.every((got, n) => got.jpeg.equals(Buffer.from(sent[n])));

	it("a segment cut mid-frame yields every complete frame and ignores the cut one", async () => {
		const { path, sent } = await recordSegment(6);
		const size = statSync(path).size;
		truncateSync(path, size - Math.floor(sent[5].length / 2)); // the power went in the middle of the last write
		const frames = await readAll(path);
		expect(same(frames, sent.slice(0, 5))).toBe(true);
	});

	it("without its index, or with a broken one, the frames are found by scanning", async () => {
		const { path, sent } = await recordSegment(4);
		const index = path.replace(/\.mjpeg$/, ".idx");
		rmSync(index);
		expect(same(await readAll(path), sent)).toBe(true);
		writeFileSync(index, "garbage");
		expect(same(await readAll(path), sent)).toBe(true);
		expect((await readAll(path)).every((frame) => frame.captureTime === undefined)).toBe(true);
	});

	it("an index that runs past the data (a power cut kept it, not the data) is trusted only as far as the data goes", async () => {
		const { path, sent } = await recordSegment(5);
		const index = path.replace(/\.mjpeg$/, ".idx");
		expect(parseIndex(readFileSync(index)).length).toBe(5);
		truncateSync(path, sent.slice(0, 3).reduce((sum, jpeg) => sum + jpeg.length, 0)); // data of 3 frames, index of 5
		appendFileSync(path, Buffer.alloc(2000)); // and zeros where the 4th frame should be
		const frames = await readAll(path);
		expect(same(frames, sent.slice(0, 3))).toBe(true);
		expect(frames.map((frame) => frame.captureTime)).toEqual([0, 1, 2].map(stampOf));
	});

	it("ignores a half-written index entry", async () => {
		const { path, sent } = await recordSegment(3);
		const index = path.replace(/\.mjpeg$/, ".idx");
		truncateSync(index, INDEX_HEADER_BYTES + 2 * INDEX_ENTRY_BYTES + 7);
		const frames = await readAll(path);
		expect(same(frames, sent)).toBe(true);
		expect(frames[2].captureTime).toBeUndefined(); // found by scanning
	});
});

describe("a full disk", () => {
	it("stops that camera's recording with one error line and a metric; streaming goes on; recording retries at the next segment", async () => {
		// Segments go to /dev/full, which fails every write with ENOSPC, as a full disk does.
		const openFile: OpenFile = (path) => open(path.endsWith(".mjpeg") ? "/dev/full" : path, path.endsWith(".mjpeg") ? "w" : "wx");
		harness = await startReceiver({ ...RARE_PINGS, record: true, recordingDir: dir, segmentMs: MINUTE, openFile });
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/cam/stream.mjpeg");
		await until(() => harness!.receiver.viewers("cam").length === 1, "the viewer");
		const stamp = () => harness!.clock.now() - 10;
		// 1. the first frame's write fails
		await frame(camera, "cam", pattern(0, stamp()), stamp());
		await until(() => harness!.receiver.status("cam")!.recording.state === "failed", "recording failed");
		// 2. more frames in the same minute: streamed, not recorded, no more lines
		for (let n = 1; n < 10; n++) await frame(camera, "cam", pattern(n, stamp()), stamp());
		await until(() => viewer.parts.length === 10, "10 frames at the viewer");
		const errors = () => harness!.lines.filter((line) => line.level === ERROR);
		expect(errors()).toEqual([expect.objectContaining({ camera: "cam", code: "XSCAM_ERR_RECORDING", cause: "ENOSPC" })]);
		expect(errors()[0].msg).toMatch(/^recording stopped for camera cam: ENOSPC.*; streaming goes on/);
		expect(harness.receiver.status("cam")!.recording).toMatchObject({ state: "failed", error: expect.stringContaining("ENOSPC") });
		let metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toContain('\nxscam_recording_errors_total{camera="cam"} 1\n');
		// 3. a minute later it tries again (and fails again: one more line)
		harness.clock.advance(MINUTE);
		await frame(camera, "cam", pattern(10, stamp()), stamp());
		await until(() => errors().length === 2, "the retry's line");
		metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toContain('\nxscam_recording_errors_total{camera="cam"} 2\n');
		await viewer.close();
		await camera.close();
	});
});
