// RTSP clients nobody here wrote play the receiver's rtsp://<receiver>/<camera>: ffmpeg over TCP and
// UDP decodes frames to exactly the pixels of the same frame from the MJPEG stream, GStreamer's
// rtspsrc ! rtpjpegdepay (Debian's gstreamer1.0-plugins-good) takes the frames over both too, and VLC
// plays it. The token goes as the URL's password, as an NVR's configuration line has it.

import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Receiver } from "../../server/receiver";
import { renderTestPattern } from "../host/test-pattern";
import { FakeCamera } from "../server/helpers/fake-camera";
import { startE2eReceiver } from "./feed";
import { pictureSize, playWithVlc } from "./vlc-player";

const run = promisify(execFile);
const FFMPEG = ["-hide_banner", "-loglevel", "error", "-nostdin"];

let receiver: Receiver;
let base: string;
let token: string;
let rtsp: string;
let camera: FakeCamera;
let timer: NodeJS.Timeout;
const frame = renderTestPattern({ width: 320, height: 240, cameraId: "rtspcam", frameNumber: 1, captureTime: 0, quality: 75 });
const folder = mkdtempSync(join(tmpdir(), "xscam-rtsp-"));

beforeAll(async () => {
	const started = await startE2eReceiver();
	({ receiver, base, token } = started);
	rtsp = "rtsp://nvr:" + token + "@127.0.0.1:" + started.rtspPort + "/rtspcam";
	({ camera } = await FakeCamera.online(started.ingestPort, "rtspcam"));
	// One picture, again and again, with the stamps of a live camera: any frame of either stream is this one.
	timer = setInterval(() => camera.frame(frame, { captureTime: Date.now() + camera.clockOffset }), 100);
});

afterAll(async () => {
	clearInterval(timer);
	await camera?.close();
	await receiver?.close();
	rmSync(folder, { recursive: true, force: true });
});

/** Decoded RGB of the first frames ffmpeg reads from `input`. */
async function ffmpegPixels(input: string[], frames: number): Promise<Buffer> {
	const { stdout } = await run("ffmpeg", [...FFMPEG, ...input, "-frames:v", String(frames), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
		{ encoding: "buffer", maxBuffer: 64 << 20, timeout: 30_000 });
	return stdout;
}

const FRAME_BYTES = 320 * 240 * 3;

describe("ffmpeg", () => {
	let mjpeg: Buffer;
	beforeAll(async () => {
		mjpeg = await ffmpegPixels(["-f", "mpjpeg", "-i", base + "/cameras/rtspcam/stream.mjpeg?token=" + token], 1);
		expect(mjpeg.length).toBe(FRAME_BYTES);
	});

	it.each(["tcp", "udp"])("over %s: decodes frames to the very pixels of the MJPEG stream's", async (transport) => {
		const pixels = await ffmpegPixels(["-rtsp_transport", transport, "-i", rtsp], 5);
		expect(pixels.length).toBe(5 * FRAME_BYTES);
		for (let n = 0; n < 5; n++) expect(pixels.subarray(n * FRAME_BYTES, (n + 1) * FRAME_BYTES).equals(mjpeg), "frame " + n).toBe(true);
	});

	it("without the token: 401, and ffmpeg says so", async () => {
		const refused = run("ffmpeg", [...FFMPEG, "-rtsp_transport", "tcp", "-i", rtsp.replace(token, "wrong"), "-frames:v", "1", "-f", "null", "-"], { timeout: 30_000 });
		await expect(refused).rejects.toMatchObject({ stderr: expect.stringMatching(/401 Unauthorized/) });
	});
});

describe("GStreamer", () => {
	it.each(["tcp", "udp"])("rtspsrc protocols=%s ! rtpjpegdepay: JPEGs that decode to the MJPEG stream's pixels", async (protocols) => {
		const out = mkdtempSync(join(folder, protocols + "-"));
		const pipeline = ["-q", "rtspsrc", "location=" + rtsp, "protocols=" + protocols, "latency=0", "!", "rtpjpegdepay", "!",
			"multifilesink", "location=" + join(out, "frame-%05d.jpg")];
		const gst = spawn("gst-launch-1.0", pipeline, { stdio: ["ignore", "ignore", "pipe"] });
		let stderr = "";
		gst.stderr.on("data", (data) => stderr += data);
		const exited = new Promise((resolve) => gst.once("close", resolve));
		const files = () => readdirSync(out).sort();
		const deadline = Date.now() + 30_000;
		while (files().length < 4 && gst.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
		gst.kill("SIGINT");
		await exited;
		expect(files().length, "frames GStreamer wrote; its stderr: " + stderr).toBeGreaterThanOrEqual(4);
		const rebuilt = readFileSync(join(out, files()[2])); // a whole one: the last may be cut by the kill
		const decoded = await new Promise<Buffer>((resolve, reject) => {
			const ffmpeg = spawn("ffmpeg", [...FFMPEG, "-f", "jpeg_pipe", "-i", "pipe:0", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]);
			const chunks: Buffer[] = [];
			ffmpeg.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
			ffmpeg.once("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error("ffmpeg exited " + code))));
			ffmpeg.stdin.end(rebuilt);
		});
		const mjpeg = await ffmpegPixels(["-f", "mpjpeg", "-i", base + "/cameras/rtspcam/stream.mjpeg?token=" + token], 1);
		expect(decoded.equals(mjpeg)).toBe(true);
	});
});

describe("VLC", () => {
	// Debian builds VLC without live555, its usual RTSP client. There `rtsp://` goes to its SAT>IP module,
	// which sends no credentials (it puts them, lower-cased, in the request line), so it plays only from a
	// receiver that lets anyone watch; with it, VLC's avformat demuxer (libavformat's RTSP client inside VLC)
	// takes the RTP/JPEG. A VLC with live555 sends Basic credentials like any other client.
	let open: Awaited<ReturnType<typeof startE2eReceiver>>;
	let openCamera: FakeCamera;
	let openTimer: NodeJS.Timeout;
	beforeAll(async () => {
		open = await startE2eReceiver({ insecureViewers: true });
		({ camera: openCamera } = await FakeCamera.online(open.ingestPort, "rtspcam"));
		openTimer = setInterval(() => openCamera.frame(frame, { captureTime: Date.now() + openCamera.clockOffset }), 100);
	});
	afterAll(async () => {
		clearInterval(openTimer);
		await openCamera?.close();
		await open?.receiver.close();
	});

	it("cvlc --demux avformat --avformat-format rtsp plays the stream: its 320x240 pictures", async () => {
		const run = await playWithVlc(["--demux", "avformat", "--avformat-format", "rtsp", "rtsp://127.0.0.1:" + open.rtspPort + "/rtspcam"], 50);
		try {
			expect(run.pictures.length, "pictures VLC decoded; its stderr: " + run.stderr).toBeGreaterThanOrEqual(50);
			expect(pictureSize(join(run.folder, run.pictures[9]))).toBe("320," + Math.ceil(240 / 32) * 32);
		}
		finally {
			rmSync(run.folder, { recursive: true, force: true });
		}
	});
});
