// The unchanged firmware on the Node host sending its frames as datagrams (frames: "udp") to the real
// receiver: negotiated on its authenticated connection, every frame's JPEG the camera's own, paced down
// when the receiver reports loss; and on a receiver that offers none, the same camera streams on its
// connection.

import { afterEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import type { ReceiverOptions } from "../../server/options";
import { frameNumberOf } from "../host/marked-jpeg";
import type { NodeBoardOptions } from "../host/node-board";
import { MIN_PACED_RATE } from "../../src/session/datagram-pace";
import { captureLog, until } from "../server/helpers/harness";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";

let device: Device | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver?.close();
	receiver = undefined;
});

async function start(options: ReceiverOptions = {}, network?: NodeBoardOptions["network"]) {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const { logger, lines } = captureLog();
	receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, cameraKeys: keys, insecureViewers: true, ...options });
	const { ingestPort, httpPort } = await receiver.start();
	const trace: string[] = [];
	const board = deviceBoard({ port: ingestPort, frameBytes: 5000, manifest: { key, frames: "udp" }, trace: (text) => trace.push(text), network });
	device = await boot(board);
	return { board, lines, trace, httpPort };
}

it("sends its frames as datagrams, each JPEG the camera's own", async () => {
	const { board, lines, trace, httpPort } = await start();
	await until(() => (receiver!.status("cam-1")?.frames.received ?? 0) >= 10, "ten frames as datagrams");
	expect(lines.find((line) => line.msg === "camera cam-1 connected, authenticated, frames as datagrams")).toBeDefined();
	expect(trace.find((line) => line.includes("streaming to 127.0.0.1:"))).toMatch(/, frames as datagrams\n$/);
	const snapshot = Buffer.from(await (await fetch("http://127.0.0.1:" + httpPort + "/cameras/cam-1/snapshot.jpg")).arrayBuffer());
	expect(snapshot.byteLength).toBeGreaterThanOrEqual(5000); // three datagrams' worth, at least
	expect(snapshot.equals(board.captured.get(frameNumberOf(snapshot))!)).toBe(true);
	expect(device!.session.datagramRate).toBe(Infinity); // nothing lost on loopback: not paced
});

it("streams on its connection from a receiver that offers no datagrams", async () => {
	const { lines, trace } = await start({ datagramPort: "off" });
	await until(() => (receiver!.status("cam-1")?.frames.received ?? 0) >= 3, "frames on the connection");
	expect(lines.find((line) => line.msg === "camera cam-1 connected, authenticated")).toBeDefined();
	expect(trace.find((line) => line.includes("streaming to 127.0.0.1:"))).not.toMatch(/datagrams/);
	expect(device!.session.datagramRate).toBeUndefined();
});

it("paces its frames down when the receiver reports that most are lost", async () => {
	let sent = 0;
	const lossy: NodeBoardOptions["network"] = (real) => ({
		...real,
		datagrams() {
			const port = real.datagrams!();
			return { send: (bytes, address, to) => void (sent++ % 3 === 0 || port.send(bytes, address, to)), close: () => port.close() }; // a third lost
		},
	});
	await start({}, lossy);
	await until(() => (device?.session.datagramRate ?? Infinity) < 10, "a paced rate under the camera's 10 frames a second");
	expect(device!.session.datagramRate).toBeGreaterThanOrEqual(MIN_PACED_RATE);
	// every frame (at least 5016 bytes of body: four datagrams) lost one datagram of every three sent
	expect(receiver!.status("cam-1")!.frames.received).toBe(0);
});
