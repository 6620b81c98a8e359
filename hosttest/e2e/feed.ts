// The e2e tests' receiver and cameras: a real receiver on loopback (real clock), and protocol clients
// that stream the moving test pattern in real time, as a camera does. The pattern's box sweeps across
// once every two seconds, so one sweep is rendered at start and then played in a loop: a VGA frame takes
// the encoder some 50 ms on a slow, loaded 2-core machine, too slow to render each frame as it is due
// beside the browser and ffmpeg under test.

import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pino from "pino";
import { ViewerAccess } from "../../server/auth/viewer-access";
import type { Hello } from "../../src/protocol/types";
import { createReceiver } from "../../server/receiver";
import type { Receiver } from "../../server/receiver";
import type { ReceiverOptions } from "../../server/options";
import { renderTestPattern } from "../host/test-pattern";
import { FakeCamera } from "../server/helpers/fake-camera";
import { TEST_KEYS } from "../server/helpers/test-keys";

/** Where the e2e runs leave screenshots and files (git ignores it). */
export const OUTPUT_DIR = fileURLToPath(new URL("./output/", import.meta.url));
mkdirSync(OUTPUT_DIR, { recursive: true });

export interface E2eReceiver {
	receiver: Receiver;
	ingestPort: number;
	/** http://127.0.0.1:<port> */
	base: string;
	rtspPort: number;
	/** A token with the rights to watch and to change settings, for clients that cannot log in. */
	token: string;
	/** A one-time login link, for a browser. */
	loginLink(): string;
}

/** A user of every e2e receiver, for the login page. */
export const E2E_USER = { name: "e2e-user", password: "a long e2e password" };

/** A receiver as it starts by default: cameras authenticate (with the test keys), viewers need credentials. */
export async function startE2eReceiver(options: ReceiverOptions = {}): Promise<E2eReceiver> {
	const viewerAccess = new ViewerAccess(undefined);
	const token = viewerAccess.addToken("e2e", ["view", "control"]);
	viewerAccess.addUser(E2E_USER.name, E2E_USER.password, ["view"]);
	const receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger: pino({ level: "warn" }), cameraKeys: TEST_KEYS, viewerAccess, ...options });
	const { ingestPort, httpPort, rtspPort } = await receiver.start();
	const base = "http://127.0.0.1:" + httpPort;
	return { receiver, ingestPort, base, rtspPort, token, loginLink: () => base + "/?login=" + receiver.grantLogin() };
}

export interface Feed {
	camera: FakeCamera;
	frames: number;
	stop(): Promise<void>;
}

/** A camera that streams the test pattern at `fps` until stopped. */
export async function feed(port: number, id: string, options: { width?: number; height?: number; fps?: number; hello?: Partial<Hello> } = {}): Promise<Feed> {
	const { width = 320, height = 240, fps = 10 } = options;
	const { camera } = await FakeCamera.online(port, id, { width, height, ...options.hello });
	const started = Date.now();
	const state: Feed = {
		camera, frames: 0,
		async stop() {
			clearInterval(timer);
			clearInterval(statsTimer);
			await camera.close();
		},
	};
	// every 2 s, as the firmware does: plausible numbers for the page to show
	const statsTimer = setInterval(() => camera.stats({
		uptime: Math.round((Date.now() - started) / 1000), captured: state.frames, sent: state.frames, dropped: 0, reconnects: 0,
		fps, rssi: -58, freeHeap: 2_900_000,
	}), 2000);
	const sweep = Array.from({ length: Math.round(2 * fps) }, (_, n) =>
		renderTestPattern({ width, height, cameraId: id, frameNumber: n, captureTime: started + (n * 1000) / fps, quality: 75 }));
	const send = () => {
		camera.frame(sweep[state.frames % sweep.length], { width, height });
		state.frames++;
	};
	const timer = setInterval(send, 1000 / fps);
	send();
	return state;
}
