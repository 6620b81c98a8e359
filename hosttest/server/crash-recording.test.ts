// kill -9 of a receiver while it records: the segment it leaves reads back with every frame it had
// taken but the last at most (segment-writer.ts writes each frame's bytes before its index entry, and
// the reader drops a cut last frame).

import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, it } from "vitest";
import { readSegment } from "../../server/record/reader";
import { FakeCamera } from "./helpers/fake-camera";
import { json, syntheticJpeg } from "./helpers/harness";

const CHILD = fileURLToPath(new URL("./helpers/receiver-process.ts", import.meta.url));
/** Frames the receiver takes before it is killed; each is distinct, so a read-back is checked byte by byte. */
const FRAMES = 30;

let child: ChildProcess | undefined;
let dir: string;
afterEach(() => {
	child?.kill("SIGKILL");
	rmSync(dir, { recursive: true, force: true });
});

function startChild(): Promise<{ ingestPort: number; httpPort: number }> {
	dir = mkdtempSync(join(tmpdir(), "xscam-crash-"));
	const started = child = spawn(process.execPath, ["--import", "tsx", CHILD, dir], { stdio: ["ignore", "pipe", "inherit"] });
	return new Promise((resolve, reject) => {
		let out = "";
		started.stdout!.on("data", (chunk) => {
			out += chunk;
			if (out.includes("\n")) resolve(JSON.parse(out));
		});
		started.once("exit", (code) => reject(new Error("the receiver exited with " + code)));
	});
}

it("loses at most the last frame it had taken when killed with SIGKILL while recording", async () => {
	const { ingestPort, httpPort } = await startChild();
	const { camera } = await FakeCamera.online(ingestPort, "cam");
	const received = async () => (await json(await fetch("http://127.0.0.1:" + httpPort + "/api/cameras/cam"))).frames.received as number;
	// 1. frames, each sent once the receiver has counted the one before
	const sent = Array.from({ length: FRAMES }, (_, n) => syntheticJpeg(2000 + n * 37, 0x10 + (n % 0x60)));
	for (const jpeg of sent) {
		const before = await received();
		camera.frame(jpeg);
		while (await received() === before) await new Promise((resolve) => setTimeout(resolve, 5));
	}
	// 2. killed at once, with no chance to flush or close anything
	const exited = new Promise((resolve) => child!.once("exit", resolve));
	child!.kill("SIGKILL");
	await exited;
	await camera.closed;
	// 3. the segment holds every frame but the last at most, byte for byte, in order
	const folder = join(dir, "cam");
	const segments = readdirSync(folder).filter((name) => name.endsWith(".mjpeg"));
	expect(segments).toHaveLength(1);
	const frames: Uint8Array[] = [];
	for await (const frame of readSegment(join(folder, segments[0]))) frames.push(frame.jpeg);
	expect(frames.length).toBeGreaterThanOrEqual(FRAMES - 1);
	frames.forEach((jpeg, n) => expect(Buffer.compare(Buffer.from(jpeg), sent[n])).toBe(0));
}, 60_000); // a Node process with tsx starts in seconds on a loaded machine: the bound only turns a hang into a failure
