// Firmware updates through the receiver (server/update/): the store of images, the API that offers one
// to a camera, a list or a board, a transfer paced by the camera's statuses, and the update judged by
// the hello the camera comes back with. End to end, a simulated camera (the firmware in a worker
// thread on a Node board with two OTA slots) is updated from this build to a host image of another
// version (scripts/host-firmware.ts) and comes back running it.

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FIRMWARE_VERSION } from "../../src/app/version";
import { HELLO_FLAG_AUTH, HELLO_FLAG_CAPABILITIES, HELLO_FLAG_UPDATES } from "../../src/protocol/constants";
import { buildHostFirmware } from "../../scripts/host-firmware";
import { systemClock } from "../../server/clock";
import type { CameraStatus } from "../../server/http/status";
import { FirmwareStore } from "../../server/update/firmware-store";
import { SimulatedDevice } from "../host/simulated-device";
import { FakeCamera } from "./helpers/fake-camera";
import { postJson, startReceiver, until, type Harness } from "./helpers/harness";
import { testKey } from "./helpers/test-keys";

const TAKES_UPDATES = HELLO_FLAG_AUTH | HELLO_FLAG_CAPABILITIES | HELLO_FLAG_UPDATES;
const IMAGE = Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) & 0xff));

let dir: string;
let harness: Harness;
let store: FirmwareStore;

beforeEach(async () => {
	dir = mkdtempSync(join(tmpdir(), "xscam-firmware-"));
	store = new FirmwareStore(join(dir, "store"));
	writeFileSync(join(dir, "image.bin"), IMAGE);
	harness = await startReceiver({ clock: systemClock, firmwareDir: join(dir, "store") }); // real time: a real device pings on it
});

afterEach(async () => {
	await harness.close();
	rmSync(dir, { recursive: true, force: true });
});

const status = async (id: string) => (await (await fetch(harness.base + "/api/cameras/" + id)).json()) as CameraStatus;
const update = (id: string, version: string) => postJson(harness, "/api/cameras/" + id + "/update", { version });

describe("the firmware store", () => {
	it("adds an image with its SHA-256 once, lists it, reads it back checked, and removes it", () => {
		const added = store.add(join(dir, "image.bin"), "esp32cam", "0.3.0");
		expect(added).toMatchObject({ board: "esp32cam", version: "0.3.0", size: IMAGE.byteLength, sha256: createHash("sha256").update(IMAGE).digest("hex") });
		expect(store.list()).toEqual([added]);
		expect(store.read(added)).toEqual(IMAGE);
		expect(() => store.add(join(dir, "image.bin"), "esp32cam", "0.3.0")).toThrow(expect.objectContaining({ code: "XSCAM_ERR_FIRMWARE" }));
		writeFileSync(join(dir, "store", "esp32cam", "0.3.0.bin"), Buffer.concat([IMAGE, Buffer.of(0)]));
		expect(() => store.read(added)).toThrow(/changed on disk since it was added/);
		expect(store.remove("esp32cam", "0.3.0")).toBe(true);
		expect(store.list()).toEqual([]);
	});

	it("refuses names that are not safe in a path, and files that are not images", () => {
		for (const [board, version] of [["../etc", "1"], ["esp32cam", "../../x"], ["esp32cam", ""], ["", "1"]])
			expect(() => store.add(join(dir, "image.bin"), board, version)).toThrow(expect.objectContaining({ code: "XSCAM_ERR_FIRMWARE" }));
		writeFileSync(join(dir, "empty.bin"), "");
		expect(() => store.add(join(dir, "empty.bin"), "esp32cam", "1")).toThrow(/is 0 bytes/);
		expect(() => store.add(join(dir, "missing.bin"), "esp32cam", "1")).toThrow(/ENOENT/);
	});
});

describe("offering an update", () => {
	it("sends the image a chunk at a time as the camera asks, and calls it done when the camera comes back running it", async () => {
		store.add(join(dir, "image.bin"), "test", "0.3.0");
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES });
		expect((await update("porch", "0.3.0")).status).toBe(202);
		const offer = await camera.take("updateOffer");
		expect(offer).toMatchObject({ size: IMAGE.byteLength, chunkSize: 16_384, version: "0.3.0" });
		expect(Buffer.from(offer.sha256).toString("hex")).toBe(createHash("sha256").update(IMAGE).digest("hex"));
		const received: Buffer[] = [];
		camera.send({ type: "updateStatus", state: "ready", offset: 0, reason: "" });
		for (let offset = 0; offset < IMAGE.byteLength;) {
			const chunk = await camera.take("updateChunk");
			expect(chunk.offset).toBe(offset);
			received.push(Buffer.from(chunk.bytes));
			offset += chunk.bytes.byteLength;
			expect((await status("porch")).update).toMatchObject({ phase: "sending", written: chunk.offset });
			camera.send({ type: "updateStatus", state: offset < IMAGE.byteLength ? "written" : "verified", offset, reason: "" });
		}
		expect(Buffer.concat(received)).toEqual(IMAGE);
		await until(() => harness.receiver.status("porch")!.update?.phase === "restarting", "restarting");
		await camera.close();
		await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES, firmware: "0.3.0" });
		await until(() => harness.receiver.status("porch")!.update?.phase === "done", "done");
		expect(await status("porch")).toMatchObject({ firmware: "0.3.0", updatable: true, update: { version: "0.3.0", phase: "done", written: IMAGE.byteLength, size: IMAGE.byteLength } });
		expect(harness.lines.some((line) => line.msg === "camera porch: now running 0.3.0")).toBe(true);
	});

	it("fails, and says where, when the connection is cut halfway, or the camera refuses it, or comes back running its old version", async () => {
		store.add(join(dir, "image.bin"), "test", "0.3.0");
		let { camera } = await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES });
		await update("porch", "0.3.0");
		await camera.take("updateOffer");
		camera.send({ type: "updateStatus", state: "ready", offset: 0, reason: "" });
		await camera.take("updateChunk");
		await camera.close();
		await until(() => harness.receiver.status("porch")!.update?.phase === "failed", "the cut");
		expect((await status("porch")).update).toMatchObject({ phase: "failed", written: 0, reason: "cut after 0 of 40000 bytes: closed by the camera" });

		({ camera } = await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES }));
		await update("porch", "0.3.0");
		await camera.take("updateOffer");
		camera.send({ type: "updateStatus", state: "failed", offset: 0, reason: "no room" });
		await until(() => harness.receiver.status("porch")!.update?.phase === "failed", "the refusal");
		expect((await status("porch")).update!.reason).toBe("the camera refused it: no room");

		await update("porch", "0.3.0");
		await camera.take("updateOffer");
		camera.send({ type: "updateStatus", state: "ready", offset: 0, reason: "" });
		for (let offset = 0; offset < IMAGE.byteLength;) {
			offset += (await camera.take("updateChunk")).bytes.byteLength;
			camera.send({ type: "updateStatus", state: offset < IMAGE.byteLength ? "written" : "verified", offset, reason: "" });
		}
		await until(() => harness.receiver.status("porch")!.update?.phase === "restarting", "restarting");
		await camera.close();
		await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES }); // 0.1.0 again
		await until(() => harness.receiver.status("porch")!.update?.phase === "failed", "the old version");
		expect((await status("porch")).update!.reason).toBe("the camera came back running 0.1.0: it went back to its previous firmware");
	});

	it("closes the connection of a camera whose status answers nothing sent", async () => {
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES });
		camera.send({ type: "updateStatus", state: "written", offset: 16_384, reason: "" });
		await camera.closed;
		await until(() => harness.lines.some((line) => line.code === "XSCAM_ERR_BAD_UPDATE_STATUS"), "the log line");
	});

	it("answers why it cannot: an unknown version (404), a camera that takes no updates or is already updating (409); to a board, camera by camera", async () => {
		store.add(join(dir, "image.bin"), "test", "0.3.0");
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch", { flags: TAKES_UPDATES });
		await FakeCamera.online(harness.ingestPort, "old", {}); // firmware 0.1.0: no bit 2
		await FakeCamera.online(harness.ingestPort, "garage", { flags: TAKES_UPDATES, board: "other" });
		expect(await (await update("porch", "9.9.9")).json()).toMatchObject({ statusCode: 404, code: "XSCAM_ERR_FIRMWARE_NOT_FOUND" });
		expect(await (await update("old", "0.3.0")).json()).toMatchObject({ statusCode: 409, code: "XSCAM_ERR_NO_UPDATES" });
		const offered = await (await postJson(harness, "/api/firmware/test/0.3.0/offer", {})).json();
		expect(offered).toEqual({ offered: [{ camera: "old", code: "XSCAM_ERR_NO_UPDATES", error: expect.any(String) }, { camera: "porch", update: expect.objectContaining({ phase: "sending" }) }] });
		expect(await (await update("porch", "0.3.0")).json()).toMatchObject({ statusCode: 409, code: "XSCAM_ERR_UPDATE_BUSY" });
		const listed = await (await postJson(harness, "/api/firmware/test/0.3.0/offer", { cameras: ["garage"] })).json();
		expect(listed).toEqual({ offered: [{ camera: "garage", code: "XSCAM_ERR_FIRMWARE_NOT_FOUND", error: "no firmware 0.3.0 for board other (xscam-server firmware add)" }] });
		expect(await (await fetch(harness.base + "/api/firmware")).json()).toEqual({ images: store.list() });
		await camera.take("updateOffer");
	});
});

it("updates a simulated camera from this build to another over its authenticated session, and it comes back running it", async () => {
	writeFileSync(join(dir, "host.js"), await buildHostFirmware("0.9.0-b"));
	store.add(join(dir, "host.js"), "simulated", "0.9.0-b");
	const traces: string[] = [];
	const device = new SimulatedDevice({
		id: "porch", server: "127.0.0.1", port: harness.ingestPort, key: Buffer.from(testKey("porch")).toString("hex"), frameSize: "QVGA", frameRate: 5,
		onTrace: (line) => traces.push(line),
	});
	try {
		await until(() => (harness.receiver.status("porch")?.frames.received ?? 0) > 0, "the first frame", 200_000);
		expect(await status("porch")).toMatchObject({ firmware: FIRMWARE_VERSION, board: "simulated", updatable: true });
		expect((await update("porch", "0.9.0-b")).status).toBe(202);
		await until(() => harness.receiver.status("porch")?.update?.phase === "done", "the camera back on 0.9.0-b", 400_000);
		const before = harness.receiver.status("porch")!.frames.received;
		await until(() => harness.receiver.status("porch")!.frames.received > before + 2, "frames from 0.9.0-b", 200_000);
		expect(await status("porch")).toMatchObject({ firmware: "0.9.0-b", online: true });
		expect(device.boots).toBe(2);
		expect(traces).toContain("xscam: firmware 0.9.0-b on trial: it must reach the receiver within 10 min or the device goes back to the previous one");
		expect(traces).toContain("xscam: firmware confirmed: it reached the receiver");
	}
	finally {
		await device.stop();
	}
}, 60_000); // two starts of the firmware in worker threads and an esbuild bundle, on a machine that may be busy
