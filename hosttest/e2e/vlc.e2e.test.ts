// VLC, a client nobody here wrote and one that rejects many ESP32-CAM streams (chunked encoding, odd
// boundaries), plays the receiver's MJPEG stream of a camera that is the real firmware (a simulated
// camera: src/ on the Node host, over real TCP): its scene filter writes the decoded pictures to files.

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimulatedDevice } from "../host/simulated-device";
import { testKey } from "../server/helpers/test-keys";
import type { Receiver } from "../../server/receiver";
import { startE2eReceiver } from "./feed";

let receiver: Receiver;
let base: string;
let token: string;
let camera: SimulatedDevice;
const pictures = mkdtempSync(join(tmpdir(), "xscam-vlc-"));

beforeAll(async () => {
	const started = await startE2eReceiver();
	({ receiver, base, token } = started);
	camera = new SimulatedDevice({ id: "vlc-cam", key: Buffer.from(testKey("vlc-cam")).toString("hex"), server: "127.0.0.1", port: started.ingestPort, frameSize: "QVGA", frameRate: 10 });
	const deadline = Date.now() + 30_000;
	while (receiver.status("vlc-cam")?.frames.received === undefined || receiver.status("vlc-cam")!.frames.received < 3) {
		if (Date.now() > deadline) throw new Error("the simulated camera sent no frames");
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
});

afterAll(async () => {
	await camera?.stop();
	await receiver?.close();
	rmSync(pictures, { recursive: true, force: true });
});

it("plays the stream: VLC decodes the camera's 320x240 frames, and they move", async () => {
	chmodSync(pictures, 0o777); // VLC refuses to run as root, so as root it runs as nobody
	const vlc = ["cvlc", "-q", "--intf", "dummy", "--no-audio", "--vout", "dummy", base.replace("http://", "http://vlc:" + token + "@") + "/cameras/vlc-cam/stream.mjpeg", // basic auth, the token as its password
		"--video-filter", "scene", "--scene-path", pictures, "--scene-prefix", "picture", "--scene-format", "png", "--scene-ratio", "1"];
	const command = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--", "env", "HOME=/tmp", ...vlc] : vlc;
	// A live stream never ends, and VLC plays it until it is stopped (it ignores --run-time here), so
	// this waits for its pictures and stops it. VLC writes a picture per displayed frame, repeating
	// each camera frame several times, so 100 pictures cover about two seconds of the stream.
	// Not spawnSync: the receiver runs in this process.
	const player = spawn(command[0], command.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
	let stderr = "";
	player.stderr.on("data", (data) => stderr += data);
	const exited = new Promise((resolve) => player.once("close", resolve));
	const pngs = () => readdirSync(pictures).filter((name) => name.endsWith(".png")).sort();
	const deadline = Date.now() + 30_000;
	while (pngs().length < 100 && player.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
	player.kill();
	await exited;
	expect(pngs().length, "pictures VLC decoded; its stderr: " + stderr).toBeGreaterThanOrEqual(100);
	// VLC's scene filter writes the whole picture buffer VLC decoded into, whose height VLC pads to a
	// multiple of 32 lines: the 240 lines of the frame come out as 256, the last 16 black.
	const probe = spawnSync("ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", join(pictures, pngs()[9])], { encoding: "utf8" });
	expect(probe.stdout.trim()).toBe("320," + Math.ceil(240 / 32) * 32);
	const distinct = new Set(pngs().map((name) => readFileSync(join(pictures, name)).toString("base64")));
	expect(distinct.size).toBeGreaterThanOrEqual(5); // the pattern moves: VLC shows new frames, not one picture
});
