// A camera with a key (docs/security.md) on the Node host: it proves its key to the real receiver and
// streams; with another key it is refused; and it refuses, in turn, a receiver that cannot prove it holds
// its key, whether that receiver welcomes it at once or answers with a made-up proof. Its HMAC is the
// protocol document's.

import { afterEach, expect, it } from "vitest";
import { installBoard } from "../host/board";
import { Digest } from "../host/crypt";
import HMAC from "../host/hmac";
import { createNodeBoard } from "../host/node-board";
import type { Device } from "../../src/app/device";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import { captureLog, until } from "../server/helpers/harness";
import { AUTH_VECTOR } from "../protocol/vectors";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: Receiver | undefined;
let impostor: TestReceiver | undefined;

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver?.close();
	await impostor?.close();
	receiver = impostor = undefined;
});

async function realReceiver(keys: CameraKeys) {
	const { logger, lines } = captureLog();
	receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, cameraKeys: keys });
	return { ...(await receiver.start()), lines };
}

it("computes the protocol's proofs with the SDK's crypt and hmac modules", () => {
	installBoard(createNodeBoard({ config: { manifest: {}, commandLine: {} }, trace: () => {} })); // the hashing is the board's
	const hmac = new HMAC(new Digest("SHA256"), AUTH_VECTOR.key);
	expect(new Uint8Array(hmac.process(AUTH_VECTOR.deviceInput))).toEqual(AUTH_VECTOR.deviceProof);
	expect(new Uint8Array(hmac.process(AUTH_VECTOR.receiverInput))).toEqual(AUTH_VECTOR.receiverProof);
	// and as the SDK's does with a string key: an empty key, without a word (RFC 2104 with an empty key)
	const empty = new HMAC(new Digest("SHA256"), "key" as unknown as Uint8Array);
	expect(Buffer.from(empty.process(new Uint8Array(0))).toString("hex")).toBe("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
});

it("proves its key to the receiver and streams", async () => {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const { ingestPort, lines } = await realReceiver(keys);
	device = await boot(deviceBoard({ port: ingestPort, manifest: { key } }));
	await until(() => (receiver!.status("cam-1")?.frames.received ?? 0) >= 3, "frames from the authenticated camera");
	expect(lines.find((line) => line.msg === "camera cam-1 connected, authenticated")).toBeDefined();
	expect(receiver!.status("cam-1")!.described).toBe(true); // its capabilities came after it authenticated
});

it("is refused with another key, and never streams", async () => {
	const keys = new CameraKeys(undefined);
	keys.add("cam-1");
	const { ingestPort, lines } = await realReceiver(keys);
	const trace: string[] = [];
	device = await boot(deviceBoard({ port: ingestPort, manifest: { key: "ab".repeat(32) }, trace: (text) => trace.push(text) }));
	await until(() => lines.some((line) => line.code === "XSCAM_ERR_AUTH_FAILED"), "the refusal");
	await until(() => trace.some((line) => line.includes("connection lost; retry in")), "the camera's retry");
	expect(receiver!.list()).toEqual([]);
});

it.each(["welcome", "pretend"] as const)("refuses a receiver that cannot prove it holds the camera's key (%s)", async (kind) => {
	impostor = new TestReceiver();
	impostor.impostor = kind;
	const trace: string[] = [];
	device = await boot(deviceBoard({ port: await impostor.listen(), manifest: { key: "cd".repeat(32) }, trace: (text) => trace.push(text) }));
	const why = kind === "welcome" ? "a welcome from a receiver that did not prove it holds this camera's key" : "the receiver does not hold this camera's key";
	await until(() => trace.some((line) => line.includes(why)), "the camera's refusal");
	await new Promise((resolve) => setTimeout(resolve, 300));
	expect(impostor.frames).toEqual([]); // not one frame to a receiver it could not trust
	expect(impostor.messages.some((message) => message.type === "controlResult")).toBe(false);
});
