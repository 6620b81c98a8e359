// VLC, a client nobody here wrote and one that rejects many ESP32-CAM streams (chunked encoding, odd
// boundaries), plays the receiver's MJPEG stream of a camera that is the real firmware (a simulated
// camera: src/ on the Node host, over real TCP): its scene filter writes the decoded pictures to files.

import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SimulatedDevice } from "../host/simulated-device";
import { testKey } from "../server/helpers/test-keys";
import type { Receiver } from "../../server/receiver";
import { startE2eReceiver } from "./feed";
import { pictureSize, playWithVlc } from "./vlc-player";

let receiver: Receiver;
let base: string;
let token: string;
let camera: SimulatedDevice;
const folders: string[] = [];

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
	for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

it("plays the stream: VLC decodes the camera's 320x240 frames, and they move", async () => {
	// VLC writes a picture per displayed frame, repeating each camera frame several times, so 100
	// pictures cover about two seconds of the stream.
	const url = base.replace("http://", "http://vlc:" + token + "@") + "/cameras/vlc-cam/stream.mjpeg"; // basic auth, the token as its password
	const run = await playWithVlc([url], 100);
	folders.push(run.folder);
	expect(run.pictures.length, "pictures VLC decoded; its stderr: " + run.stderr).toBeGreaterThanOrEqual(100);
	expect(pictureSize(join(run.folder, run.pictures[9]))).toBe("320," + Math.ceil(240 / 32) * 32);
	const distinct = new Set(run.pictures.map((name) => readFileSync(join(run.folder, name)).toString("base64")));
	expect(distinct.size).toBeGreaterThanOrEqual(5); // the pattern moves: VLC shows new frames, not one picture
});
