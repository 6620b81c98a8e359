// The attacks on the camera port that authentication stops (docs/security.md): an impostor with a
// real camera's id, frames before the welcome, replayed and reflected proofs, made-up ids filling the
// camera table, and a flood of connections that never say hello. Each one closes its own connection with
// one line and a metric, and the real camera's session is untouched.
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { HELLO_FLAG_AUTH, NONCE_BYTES } from "../../src/protocol/constants";
import type { Auth } from "../../src/protocol/types";
import { prove } from "../../server/ingest/camera-auth";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, WARN } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";
import { NO_KEYS, testKey } from "./helpers/test-keys";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const HELLO = { type: "hello", flags: HELLO_FLAG_AUTH, firmware: "x", board: "b", sensor: "s", width: 320, height: 240 } as const;

/** Sends a hello that authenticates as `id`, answers the challenge with `proof(challengeNonce, deviceNonce)`, and waits for the close. */
async function impostor(id: string, proof: (challengeNonce: Uint8Array, deviceNonce: Uint8Array) => Uint8Array): Promise<FakeCamera> {
	const fake = await FakeCamera.connect(harness.ingestPort);
	fake.send({ ...HELLO, id });
	const challenge = await fake.take("challenge");
	const nonce = randomBytes(NONCE_BYTES);
	fake.send({ type: "auth", nonce, proof: proof(challenge.nonce, nonce) });
	await fake.closed;
	return fake;
}

const closedWith = (code: string) => harness.lines.filter((line) => line.code === code);

describe("a camera's authentication", () => {
	it("keeps out an impostor with the real camera's id: the real session, its viewers and its frames are untouched", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch");
		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/porch/stream.mjpeg");
		await until(() => harness.receiver.viewers("porch").length === 1, "the viewer");
		// 1. a wrong key's proof
		const wrong = await impostor("porch", (challengeNonce, nonce) => prove(randomBytes(32), "device", "porch", challengeNonce, nonce));
		expect(wrong.received.map((message) => message.type)).toEqual(["challenge"]); // no accepted, no welcome
		// 2. no proof at all: a hello without the flag
		const bare = await FakeCamera.connect(harness.ingestPort);
		bare.send({ ...HELLO, flags: 0, id: "porch" });
		await bare.closed;
		expect(closedWith("XSCAM_ERR_AUTH_FAILED")).toEqual([expect.objectContaining({ level: WARN, remote: expect.any(String) })]);
		expect(closedWith("XSCAM_ERR_AUTH_FAILED")[0].msg).toContain("camera porch failed to authenticate: wrong proof");
		expect(closedWith("XSCAM_ERR_AUTH_REQUIRED")).toHaveLength(1);
		// 3. the real camera never noticed
		camera.frame(syntheticJpeg(500, 7));
		await until(() => viewer.parts.length === 1, "the real camera's frame");
		expect(harness.receiver.status("porch")).toMatchObject({ online: true, reconnects: 0 });
		expect(camera.socket.destroyed).toBe(false);
		const metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toMatch(/^xscam_ingest_disconnects_total\{reason="XSCAM_ERR_AUTH_FAILED"\} 1$/m);
		await viewer.close();
		await camera.close();
	});

	it("refuses a replayed answer and a reflected one: the nonces are new on every connection, and each side signs its own label", async () => {
		harness = await startReceiver();
		const key = testKey("porch");
		// 1. a real exchange, overheard
		const real = await FakeCamera.connect(harness.ingestPort);
		real.send({ ...HELLO, id: "porch" });
		const challenge = await real.take("challenge");
		const nonce = randomBytes(NONCE_BYTES);
		const overheard: Auth = { type: "auth", nonce, proof: prove(key, "device", "porch", challenge.nonce, nonce) };
		real.send(overheard);
		await real.take("accepted");
		await real.close();
		// 2. replayed on a new connection: the receiver's nonce is another
		const replay = await FakeCamera.connect(harness.ingestPort);
		replay.send({ ...HELLO, id: "porch" });
		await replay.take("challenge");
		replay.send(overheard);
		await replay.closed;
		// 3. the receiver's own proof offered as the device's
		await impostor("porch", (challengeNonce, nonce) => prove(key, "receiver", "porch", challengeNonce, nonce));
		expect(closedWith("XSCAM_ERR_AUTH_FAILED")).toHaveLength(2);
	}, 20_000);

	it("closes a connection that sends a frame before it authenticated", async () => {
		harness = await startReceiver();
		const fake = await FakeCamera.connect(harness.ingestPort);
		fake.send({ ...HELLO, id: "porch" });
		await fake.take("challenge");
		fake.frame(syntheticJpeg(100));
		await fake.closed;
		expect(closedWith("XSCAM_ERR_NOT_AUTHENTICATED")).toHaveLength(1);
		expect(harness.receiver.list()).toEqual([]);
	});

	it("keeps the camera table for cameras that authenticated: 100 made-up ids take no place, and a real new camera gets in", async () => {
		harness = await startReceiver({ maxCameras: 64 });
		for (let n = 0; n < 100; n++) await impostor("made-up-" + n, (challengeNonce, nonce) => prove(randomBytes(32), "device", "made-up-" + n, challengeNonce, nonce));
		expect(harness.receiver.list()).toEqual([]);
		const { camera } = await FakeCamera.online(harness.ingestPort, "new-camera");
		expect(harness.receiver.status("new-camera")!.online).toBe(true);
		await camera.close();
	}, 60_000);

	it("refuses at once connections beyond those waiting to authenticate, and closes waiting ones after the hello timeout", async () => {
		harness = await startReceiver({ maxPendingConnections: 8, helloTimeoutMs: 5000 });
		const silent = await Promise.all(Array.from({ length: 8 }, () => FakeCamera.connect(harness.ingestPort)));
		await until(() => harness.receiver.registry.getSingleMetric("xscam_ingest_unadmitted") !== undefined, "the metric");
		const extra = await FakeCamera.connect(harness.ingestPort);
		await extra.closed; // refused at once, without a word
		const metrics = await (await fetch(harness.base + "/metrics")).text();
		expect(metrics).toMatch(/^xscam_ingest_refused_total 1$/m);
		expect(metrics).toMatch(/^xscam_ingest_unadmitted 8$/m);
		harness.clock.advance(5000);
		await Promise.all(silent.map((fake) => fake.closed));
		expect(closedWith("XSCAM_ERR_HELLO_TIMEOUT")).toHaveLength(8);
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch"); // room again
		await camera.close();
	});
});

describe("--insecure-cameras", () => {
	it("takes a camera without a key, but never one whose id has a key", async () => {
		harness = await startReceiver({ insecureCameras: true, cameraKeys: { get: (id) => (id === "keyed" ? testKey(id) : undefined), size: 1 } });
		const { camera } = await FakeCamera.online(harness.ingestPort, "old", {}, "none", "none");
		expect(harness.receiver.status("old")!.online).toBe(true);
		expect(harness.lines.find((line) => line.msg.startsWith("camera old connected"))).toMatchObject({ authenticated: false });
		await expect(FakeCamera.online(harness.ingestPort, "keyed", {}, "none", "none")).rejects.toThrow(/connection closed/);
		expect(closedWith("XSCAM_ERR_AUTH_REQUIRED")).toHaveLength(1);
		await camera.close();
	});

	it("is off by default: a receiver with no keys refuses every camera, and says so at start", async () => {
		harness = await startReceiver({ cameraKeys: NO_KEYS });
		expect(harness.lines.find((line) => line.msg.startsWith("no camera keys"))).toMatchObject({ level: WARN });
		await expect(FakeCamera.online(harness.ingestPort, "old", {}, "none", "none")).rejects.toThrow(/connection closed/);
		await expect(FakeCamera.online(harness.ingestPort, "new")).rejects.toThrow(/connection closed/);
	});
});
