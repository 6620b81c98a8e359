// What the fleet puts on NATS (server/cluster/): subject names, frames, statuses and control answers,
// written and read back, and each malformed message refused with the field it gets wrong.

import { describe, expect, it } from "vitest";
import type { Camera, ReceivedFrame } from "../../server/cameras/camera";
import { CameraRegistry } from "../../server/cameras/registry";
import { controlAnswer, controlRequest, readControlAnswer, readControlRequest } from "../../server/cluster/control-message";
import { FRAME_HEADER, frameHeaders, frameOf } from "../../server/cluster/frame-message";
import { readStatus, statusOf } from "../../server/cluster/status-message";
import { fleetNames, idOf, tokenOf } from "../../server/cluster/subjects";
import { isXscamError, xscamError } from "../../server/errors";
import { OV2640_CONTROLS } from "../server/helpers/fake-camera";
import { syntheticJpeg } from "../server/helpers/harness";
import { ManualClock } from "../server/helpers/manual-clock";

const bytes = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));

describe("the fleet's names", () => {
	it("puts a camera id with dots in one subject token, and back", () => {
		const names = fleetNames("home");
		expect(names.frame("porch.1")).toBe("xscam.home.cam.porch=1.frame");
		expect(names.cameraOf(names.status("porch.1"))).toBe("porch.1");
		expect(names.cameraKey("a.b-c_d")).toBe("cams.a=b-c_d");
		expect(names.release("rx.2")).toBe("xscam.home.receiver.rx=2.release");
		expect(names.bucket).toBe("xscam-home-cameras");
		for (const id of ["cam", "a.b", "a..b", "a.", "x_y-z.9"]) expect(idOf(tokenOf(id))).toBe(id);
		expect(tokenOf("a.b.c")).not.toContain(".");
	});

	it("refuses a fleet name NATS or JetStream could not carry", () => {
		for (const name of ["", "a.b", "a b", "a*", "x".repeat(33)]) expect(() => fleetNames(name), name).toThrow(RangeError);
	});
});

const frame: ReceivedFrame = { jpeg: syntheticJpeg(3000), seq: 41, captureTime: 1_700_000_000_000, receivedAt: 1_700_000_000_050, latencyMs: 50, width: 640, height: 480 };

describe("a frame on NATS", () => {
	it("carries the JPEG as it is and its numbers in one header; the hop adds to the latency", () => {
		const header = frameHeaders(frame).get(FRAME_HEADER);
		const back = frameOf(frame.jpeg, header, frame.receivedAt + 3);
		expect(back).toEqual({ ...frame, receivedAt: frame.receivedAt + 3, latencyMs: 53 });
		expect(back.jpeg.buffer).toBe(frame.jpeg.buffer); // a view, not a copy
		expect(frameOf(frame.jpeg, frameHeaders({ ...frame, latencyMs: undefined }).get(FRAME_HEADER), frame.receivedAt).latencyMs).toBeUndefined();
		expect(frameOf(frame.jpeg, header, frame.receivedAt - 10).latencyMs).toBe(50); // clocks that make the hop negative: no hop
	});

	it("is refused without its header, with a field that is not a number, or with a payload that is not a JPEG", () => {
		const header = frameHeaders(frame).get(FRAME_HEADER);
		expect(() => frameOf(frame.jpeg, undefined, 0)).toThrow("no Xscam-Frame header");
		expect(() => frameOf(frame.jpeg, "1 2 3", 0)).toThrow("6 fields");
		expect(() => frameOf(frame.jpeg, header.replace("41", "4x"), 0)).toThrow("field 0 is not a number");
		expect(() => frameOf(Buffer.from("GIF89a"), header, 0)).toThrow("not a JPEG");
	});
});

function camera(): { camera: Camera; registry: CameraRegistry } {
	const registry = new CameraRegistry(10, new ManualClock());
	const connection = { remote: "10.0.0.5:4000", control: async () => { throw new Error("unused"); }, update: () => { throw new Error("unused"); }, close() {} };
	const { camera } = registry.attach({ type: "hello", flags: 3, id: "porch", firmware: "0.2.0", board: "esp32cam", sensor: "OV2640", width: 640, height: 480 }, connection);
	registry.describe(camera, connection, OV2640_CONTROLS);
	Object.assign(camera.intake, { framesReceived: 10, bytesReceived: 30_000, framesLost: 1, framesBad: 0, framesMisdated: 2 });
	camera.intake.stats = { type: "stats", uptime: 60, captured: 100, sent: 90, dropped: 10, reconnects: 1, fps: 9.5, rssi: undefined, freeHeap: 1234 };
	return { camera, registry };
}

describe("a camera's status on NATS", () => {
	it("reads back as its holder wrote it", () => {
		const status = statusOf(camera().camera, "rx-b", 0);
		const back = readStatus(bytes(status), "porch");
		expect(back).toEqual(JSON.parse(JSON.stringify(status)));
		expect(back).toMatchObject({ holder: "rx-b", online: true, remote: "10.0.0.5:4000", controls: OV2640_CONTROLS, intake: { framesLost: 1 } });
	});

	it("is refused when it is not JSON, names another camera, or gets a field wrong, naming the field", () => {
		const status = JSON.parse(JSON.stringify(statusOf(camera().camera, "rx-b", 0)));
		expect(() => readStatus(bytes("{"), "porch")).toThrow("not JSON");
		expect(() => readStatus(bytes(status), "garage")).toThrow("status.hello.id must be the subject's camera id garage");
		const broken = [
			[{ ...status, online: "yes" }, "status.online must be a boolean"],
			[{ ...status, hello: { ...status.hello, width: "640" } }, "status.hello.width must be a number"],
			[{ ...status, intake: { ...status.intake, framesLost: null } }, "status.intake.framesLost must be a number"],
			[{ ...status, intake: { ...status.intake, stats: { ...status.intake.stats, fps: "9" } } }, "status.intake.stats.fps must be a number"],
			[{ ...status, rate: {} }, "status.rate.fps must be a number"],
			[{ ...status, recording: { state: "maybe" } }, "status.recording.state must be one of"],
			[{ ...status, controls: [{ key: "x" }] }, "capabilities"],
			[[], "status must be an object"],
		] as const;
		for (const [value, message] of broken) expect(() => readStatus(bytes(value), "porch"), message).toThrow(message);
	});
});

describe("a control request between receivers", () => {
	it("carries the settings, and back the camera's answer", () => {
		expect(readControlRequest(controlRequest({ brightness: 1, frameSize: "VGA" }))).toEqual({ brightness: 1, frameSize: "VGA" });
		const result = { type: "controlResult" as const, requestId: 3, applied: { brightness: 1 }, pending: {}, refused: {} };
		expect(readControlAnswer(controlAnswer(result))).toEqual(result);
	});

	it("raises the holder's coded error on the asking receiver, with its code and HTTP status", () => {
		const error = (() => {
			try {
				readControlAnswer(controlAnswer(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", "porch", 3, 5000)));
			}
			catch (caught) {
				return caught;
			}
		})();
		expect(isXscamError(error)).toBe(true);
		expect(error).toMatchObject({ code: "XSCAM_ERR_CONTROL_TIMEOUT", statusCode: 504, message: "camera porch did not answer control request 3 within 5000 ms" });
	});

	it("refuses a request without settings or with a value that is not a number or string, and an answer of neither kind", () => {
		expect(() => readControlRequest(bytes({}))).toThrow("needs its settings");
		expect(() => readControlRequest(bytes({ settings: { a: {} } }))).toThrow("a number or a string");
		expect(() => readControlAnswer(bytes({ nothing: 1 }))).toThrow(RangeError);
	});
});
