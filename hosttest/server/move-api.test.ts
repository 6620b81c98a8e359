// POST /api/cameras/:id/move over loopback: only the move settings a camera announced, sent as a control
// request; a Wi-Fi password refused when the camera port has no TLS (on the receiver's side, before
// anything reaches the camera, and never logged); GET .../move saying what the receiver saw afterwards.
import { afterEach, expect, it } from "vitest";
import { FakeCamera, OV2640_CONTROLS } from "./helpers/fake-camera";
import { json, postJson, startReceiver, until } from "./helpers/harness";
import type { Harness } from "./helpers/harness";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const post = (path: string, body: unknown) => postJson(harness, path, body);

it("sends a move as a control request, returns the camera's answer, and notices the camera coming back", async () => {
	harness = await startReceiver();
	const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
	camera.answerControls((settings) => ({ pending: settings }));
	const response = await post("/api/cameras/cam/move", { server: "other.example", port: 8701 });
	expect(response.status).toBe(200);
	expect(await json(response)).toEqual({ requestId: expect.any(Number), applied: {}, pending: { server: "other.example", port: 8701 }, refused: {} });
	expect(camera.received.find((message) => message.type === "control")).toMatchObject({ settings: { server: "other.example", port: 8701 } });
	expect(await json(await fetch(harness.base + "/api/cameras/cam/move"))).toEqual({
		move: { settings: { server: "other.example", port: 8701 }, at: expect.any(String), outcome: "trying" },
	});

	// the move failed: the camera comes back here
	camera.socket.destroy();
	await until(() => harness.receiver.status("cam")?.online === false, "the camera offline");
	await FakeCamera.online(harness.ingestPort, "cam");
	expect(await json(await fetch(harness.base + "/api/cameras/cam/move"))).toMatchObject({ move: { outcome: "came back", cameBackAt: expect.any(String) } });
	expect(harness.lines).toContainEqual(expect.objectContaining({ camera: "cam", msg: "camera cam came back after being moved: the move failed or was undone" }));
});

it("takes only the move settings the camera announced, naming any other", async () => {
	harness = await startReceiver();
	const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
	const other = await post("/api/cameras/cam/move", { server: "other.example", brightness: 1 });
	expect(other.status).toBe(400);
	expect(await json(other)).toMatchObject({ code: "XSCAM_ERR_BAD_CONTROL", message: expect.stringContaining("\"brightness\" is not a move setting") });
	const bad = await post("/api/cameras/cam/move", { port: 70000 });
	expect(await json(bad)).toMatchObject({ code: "XSCAM_ERR_BAD_CONTROL", message: expect.stringContaining("port must be an integer from 1 to 65535") });
	const { camera: old } = await FakeCamera.online(harness.ingestPort, "old", {}, OV2640_CONTROLS.filter((control) => control.applies !== "after a trial"));
	expect(await json(await post("/api/cameras/old/move", { server: "other.example" }))).toMatchObject({ code: "XSCAM_ERR_BAD_CONTROL", message: expect.stringContaining("cannot be moved") });
	expect(camera.received.some((message) => message.type === "control")).toBe(false);
	expect(old.received.some((message) => message.type === "control")).toBe(false);
});

it.each(["move", "control"])("refuses a Wi-Fi password through /%s when the camera port has no TLS, and never logs it", async (route) => {
	harness = await startReceiver();
	const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
	const response = await post("/api/cameras/cam/" + route, { ssid: "office", password: "hunter2hunter2" });
	expect(response.status).toBe(400);
	const body = await json(response);
	expect(body).toMatchObject({ code: "XSCAM_ERR_SECRET_IN_CLEAR" });
	expect(JSON.stringify(body)).not.toContain("hunter2");
	expect(JSON.stringify(harness.lines)).not.toContain("hunter2");
	expect(camera.received.some((message) => message.type === "control")).toBe(false);
});
