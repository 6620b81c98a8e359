// Frames as datagrams on the receiver (docs/protocol.md, "Frames as datagrams"): offered only to a camera
// that asks and authenticated, taken only on its channel, from its address, under its connection's key;
// reassembled whole or not at all, reported back every second, and gone with the connection.

import { createHmac, randomBytes } from "node:crypto";
import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { HELLO_FLAG_AUTH, HELLO_FLAG_CAPABILITIES, HELLO_FLAG_DATAGRAMS } from "../../src/protocol/constants";
import { DATAGRAM_REPORT_MS } from "../../server/ingest/camera-session";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, type Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";
import type { ReceiverOptions } from "../../server/options";
import type { DatagramReport } from "../../src/protocol/types";

const ASKS = { flags: HELLO_FLAG_CAPABILITIES | HELLO_FLAG_AUTH | HELLO_FLAG_DATAGRAMS };
/** Three datagrams' worth at the receiver's 1472 bytes. */
const JPEG_BYTES = 4000;

let harness: Harness;
let cameras: FakeCamera[] = [];
afterEach(async () => {
	await Promise.all(cameras.map((camera) => camera.close()));
	cameras = [];
	await harness?.close();
});

async function streamingCamera(id = "porch", options: ReceiverOptions = {}) {
	harness = await startReceiver(options);
	const { camera, welcome } = await FakeCamera.online(harness.ingestPort, id, ASKS);
	cameras.push(camera);
	return { camera, welcome };
}

const frames = (id = "porch") => harness.receiver.status(id)?.frames.received ?? 0;
const metric = async (name: string) => Number(new RegExp("^" + name + " (\\d+)$", "m").exec(await harness.receiver.registry.metrics())?.[1]);

/** The first report, a second apart on the receiver's clock, that `done` says is it (datagrams may land after a report), of at most 50. */
async function reportWith(camera: FakeCamera, done: (report: DatagramReport) => boolean): Promise<DatagramReport> {
	for (let reports = 1; ; reports++) {
		harness.clock.advance(DATAGRAM_REPORT_MS);
		const report = await camera.take("datagramReport");
		if (done(report) || reports === 50) return report;
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
}

/** The metric once it is at least `count` (datagrams have no acknowledgement to wait for), or what it is after 2,000 turns. */
async function metricReaches(name: string, count: number): Promise<number> {
	for (let turn = 0; turn < 2000; turn++) {
		const value = await metric(name);
		if (value >= count) return value;
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
	return metric(name);
}

describe("frames as datagrams", () => {
	it("are offered before the welcome to a camera that asks, and reach its viewers byte for byte", async () => {
		const { camera } = await streamingCamera();
		const types = camera.received.map((message) => message.type);
		expect(types.indexOf("datagrams")).toBeGreaterThan(types.indexOf("accepted"));
		expect(types.indexOf("datagrams")).toBeLessThan(types.indexOf("welcome"));
		const offer = camera.received.find((message) => message.type === "datagrams")!;
		expect(offer).toMatchObject({ port: harness.ingestPort, datagramBytes: 1472 }); // "same": the camera port's number
		expect(harness.lines.find((line) => line.msg === "camera porch connected, authenticated, frames as datagrams")).toBeDefined();

		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/porch/stream.mjpeg");
		await until(() => harness.receiver.viewers("porch").length === 1, "the viewer");
		const jpegs = [syntheticJpeg(JPEG_BYTES, 0x21), syntheticJpeg(JPEG_BYTES + 1, 0x22), syntheticJpeg(100, 0x23)];
		for (const jpeg of jpegs) await camera.datagramFrame(jpeg);
		await until(() => viewer.parts.length === 3, "three parts at the viewer");
		expect(viewer.parts.map((part) => Buffer.compare(part.jpeg, jpegs[viewer.parts.indexOf(part)]))).toEqual([0, 0, 0]);
		expect(harness.receiver.status("porch")!.frames).toMatchObject({ received: 3, lost: 0 });
		await viewer.close();
	});

	it("are not offered to a camera that does not ask, nor by a receiver with --datagram-port off", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch");
		cameras.push(camera);
		await harness.close();
		harness = await startReceiver({ datagramPort: "off" });
		const asking = (await FakeCamera.online(harness.ingestPort, "porch", ASKS)).camera;
		cameras.push(asking);
		for (const fake of [camera, asking]) expect(fake.received.map((message) => message.type)).not.toContain("datagrams");
		asking.frame(syntheticJpeg(JPEG_BYTES)); // its frames stay on the connection
		await until(() => frames() === 1, "the frame on the connection");
	});

	it("reports every second what came: frames completed, lost with a piece, and datagrams refused", async () => {
		const { camera } = await streamingCamera();
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES)); // frame 0
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES), { skip: [1] }); // frame 1 never completes
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES)); // frame 2: frame 1 is given up
		await until(() => frames() === 2, "frames 0 and 2");
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES), { seq: 1 }); // frame 1 again, too late: its 3 datagrams refused
		const report = await reportWith(camera, (candidate) => candidate.rejected >= 3);
		expect(report).toMatchObject({ completed: 2, lost: 1, rejected: 3 });
		expect(report.jitter).toBeGreaterThanOrEqual(0);
		expect(harness.receiver.status("porch")!.frames).toMatchObject({ received: 2, lost: 1 });
	});

	it("takes none that a stranger sends: a wrong MAC, another address, an unknown channel; the camera's own still come", async () => {
		const { camera } = await streamingCamera();
		const strangerKey = randomBytes(32);
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES), { mac: (input) => createHmac("sha256", strangerKey).update(input).digest() });
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES)); // then the camera's own
		await until(() => frames() === 1, "the camera's own frame");
		expect(await reportWith(camera, (report) => report.rejected >= 3)).toMatchObject({ completed: 1, rejected: 3 }); // the forged frame's three

		const elsewhere = (await FakeCamera.online(harness.ingestPort, "garage", ASKS)).camera;
		cameras.push(elsewhere);
		const offer = elsewhere.received.find((message) => message.type === "datagrams")!;
		await elsewhere.datagramFrame(syntheticJpeg(JPEG_BYTES), { from: "127.0.0.2" }); // right key, wrong address
		const random = createSocket("udp4");
		const noise = Buffer.from("5843010900000000", "hex"); // an xscam header on no channel, then junk
		await new Promise<void>((resolve) => random.send(Buffer.concat([noise, randomBytes(100)]), offer.port, "127.0.0.1", () => resolve()));
		random.close();
		expect(await metricReaches("xscam_datagrams_stray_total", 4)).toBe(4);
		expect(frames("garage")).toBe(0);
	});

	it("closes the channel with the connection: the camera's datagrams after it are strays", async () => {
		const { camera } = await streamingCamera();
		expect(await metric("xscam_datagram_channels")).toBe(1);
		camera.socket.destroy();
		await until(() => harness.receiver.status("porch")?.online === false, "the camera offline");
		expect(await metric("xscam_datagram_channels")).toBe(0);
		await camera.datagramFrame(syntheticJpeg(JPEG_BYTES));
		expect(await metricReaches("xscam_datagrams_stray_total", 3)).toBe(3);
		expect(frames()).toBe(0);
	});
});
