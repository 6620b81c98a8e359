// ffmpeg, a client nobody here wrote, reads the MJPEG stream and a recorded segment.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../../server/receiver";
import { feed, startE2eReceiver } from "./feed";
import type { Feed } from "./feed";

const run = promisify(execFile);
const FFMPEG = ["-hide_banner", "-loglevel", "error", "-nostdin"];

let receiver: Receiver;
let base: string;
let token: string;
let camera: Feed;
let recordings: string;

beforeAll(async () => {
	recordings = mkdtempSync(join(tmpdir(), "xscam-e2e-"));
	const started = await startE2eReceiver({ record: true, recordingDir: recordings });
	({ receiver, base, token } = started);
	camera = await feed(started.ingestPort, "ffcam", { fps: 15 });
});

afterAll(async () => {
	await camera?.stop();
	await receiver?.close();
	rmSync(recordings, { recursive: true, force: true });
});

describe("ffmpeg", () => {
	it.each([
		["the mpjpeg demuxer", ["-f", "mpjpeg"]],
		["the mpjpeg demuxer with strict MIME boundaries", ["-f", "mpjpeg", "-strict_mime_boundary", "1"]],
		["its own probing", []],
	])("decodes 10 frames of the stream with %s", async (_name, input) => {
		const { stdout } = await run("ffmpeg", [...FFMPEG, ...input, "-i", base + "/cameras/ffcam/stream.mjpeg?token=" + token,
			"-frames:v", "10", "-f", "rawvideo", "-pix_fmt", "gray", "-"], { encoding: "buffer", maxBuffer: 64 << 20 });
		expect(stdout.length).toBe(10 * 320 * 240); // ten decoded 320x240 pictures
	});

	it("copies frames out of the stream that ffprobe reads as 320x240 JPEGs", async () => {
		const out = mkdtempSync(join(tmpdir(), "xscam-ffcopy-"));
		try {
			await run("ffmpeg", [...FFMPEG, "-headers", "Authorization: Bearer " + token + "\r\n", "-f", "mpjpeg", "-i", base + "/cameras/ffcam/stream.mjpeg", "-c", "copy", "-frames:v", "5", join(out, "frame%02d.jpg")]);
			const files = readdirSync(out).sort();
			expect(files).toEqual(["frame01.jpg", "frame02.jpg", "frame03.jpg", "frame04.jpg", "frame05.jpg"]);
			const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "json", join(out, files[4])]);
			expect(JSON.parse(stdout).streams[0]).toEqual({ codec_name: "mjpeg", width: 320, height: 240 });
		}
		finally {
			rmSync(out, { recursive: true, force: true });
		}
	});

	it("plays a recorded segment: every frame decodes", async () => {
		const before = camera.frames;
		await new Promise((resolve) => setTimeout(resolve, 1000));
		await camera.stop(); // the camera stops; closing the receiver flushes and closes the segment
		await receiver.close();
		const [segment] = readdirSync(join(recordings, "ffcam")).filter((name) => name.endsWith(".mjpeg"));
		const { stdout } = await run("ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
			"-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json", join(recordings, "ffcam", segment)]);
		const stream = JSON.parse(stdout).streams[0];
		expect(stream).toMatchObject({ codec_name: "mjpeg", width: 320, height: 240 });
		expect(Number(stream.nb_read_frames)).toBe(receiver.status("ffcam")!.frames.received);
		expect(Number(stream.nb_read_frames)).toBeGreaterThan(before);
	});
});
