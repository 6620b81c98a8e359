// The firmware in XS sending its frames as datagrams (frames: "udp") to the real receiver over loopback:
// the session on a TCP connection relayed to a node:net socket, the datagrams relayed to a node:dgram
// one; the receiver reassembles them into the camera's own JPEGs.

import { afterEach, expect, it } from "vitest";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import { frameNumberOf } from "../host/marked-jpeg";
import { captureLog } from "../server/helpers/harness";
import { bootRig, crankUntil, sameBytes } from "./camera-rig";
import { LoopbackRelay } from "./loopback-relay";
import type { XsDevice } from "./xs-device";

let device: XsDevice | undefined;
let receiver: Receiver | undefined;
const relay = new LoopbackRelay();

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	relay.close();
	await receiver?.close();
	expect(stderr ?? "").toBe("");
});

it("sends frames as datagrams to the real receiver, which takes the camera's own JPEGs", async () => {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const { logger, lines } = captureLog();
	receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, cameraKeys: keys, insecureViewers: true });
	const { ingestPort, httpPort } = await receiver.start();
	const rig = await bootRig({ network: relay, frameBytes: 5000, manifest: { server: "127.0.0.1", key, frames: "udp" }, commandLine: { port: String(ingestPort) } });
	device = rig.device;

	const received = () => receiver!.status("cam-1")?.frames.received ?? 0;
	// real sockets answer in real time: 5 ms between cranks keeps the virtual clock from outrunning them
	await crankUntil(device, () => received() >= 10, 1000, 5);
	expect(received()).toBeGreaterThanOrEqual(10);
	expect(lines.find((line) => line.msg === "camera cam-1 connected, authenticated, frames as datagrams")).toBeDefined();
	expect(device.trace).toContain("xscam: streaming to 127.0.0.1:" + ingestPort + ", frames as datagrams\n");
	const snapshot = new Uint8Array(await (await fetch("http://127.0.0.1:" + httpPort + "/cameras/cam-1/snapshot.jpg")).arrayBuffer());
	expect(snapshot.byteLength).toBeGreaterThanOrEqual(5000);
	expect(sameBytes(snapshot, rig.captured.get(frameNumberOf(snapshot)))).toBe(true);
	const { cameraCounts } = await device.report();
	expect(cameraCounts).toMatchObject({ closedTwice: 0, poolFull: 0 });
});
