// The firmware in XS streaming to a real receiver over loopback: the XS board's TCP wire is relayed to
// a node:net socket, and the test receiver (hosttest/firmware/test-receiver.ts) decodes what arrives.

import { afterEach, expect, it } from "vitest";
import { TestReceiver } from "../firmware/test-receiver";
import { frameNumberOf } from "../host/marked-jpeg";
import { bootRig, crankUntil, sameBytes } from "./camera-rig";
import { LoopbackRelay } from "./loopback-relay";
import type { XsDevice } from "./xs-device";

let device: XsDevice | undefined;
const relay = new LoopbackRelay();
const receiver = new TestReceiver();

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	relay.close();
	await receiver.close();
	expect(stderr ?? "").toBe("");
});

it("streams to a real receiver on loopback, the JPEGs unchanged", async () => {
	const port = await receiver.listen();
	const rig = await bootRig({ network: relay, frameBytes: 30_000, manifest: { server: "127.0.0.1" }, commandLine: { port: String(port) } });
	device = rig.device;

	// Real sockets answer in real time: 5 ms between cranks of 50 ms runs the device at most 10 times faster.
	await crankUntil(device, () => receiver.frames.length >= 20, 1000, 5);
	expect(receiver.frames.length).toBeGreaterThanOrEqual(20);
	expect(receiver.messages[0]).toMatchObject({ type: "hello", id: "cam-1", width: 320, height: 240 });
	for (const frame of receiver.frames) expect(sameBytes(frame.jpeg, rig.captured.get(frameNumberOf(frame.jpeg)))).toBe(true);
	expect(device.trace).toContain("xscam: streaming to 127.0.0.1:" + port + "\n");
});
