// A running receiver follows its secret files: what `xscam-server keys` and `tokens` and `users` do
// in another process takes effect at the next connection or request, without a restart. A key removed
// keeps that camera out, a token removed is refused, a user removed is logged out; a file broken by
// hand is reported once and what it held before stays in force.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import { CameraKeys } from "../../server/auth/camera-keys";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { FakeCamera, OV2640_CONTROLS } from "./helpers/fake-camera";
import { startReceiver, WARN } from "./helpers/harness";
import type { Harness } from "./helpers/harness";

const dir = mkdtempSync(join(tmpdir(), "xscam-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let harness: Harness;
afterEach(async () => {
	await harness?.close();
});

let n = 0;
const fresh = (name: string) => join(dir, n++ + "-" + name);
const get = (path: string, headers: { [name: string]: string } = {}) => fetch(harness.base + path, { headers, redirect: "manual" });

it("takes a camera whose key was added after it started, and keeps it out once the key is removed", async () => {
	const keysFile = fresh("keys.json");
	harness = await startReceiver({ cameraKeys: undefined, keysFile }); // the file's keys, not the harness's
	const key = Buffer.from(new CameraKeys(keysFile).add("porch"), "hex"); // the CLI, in another process
	const { camera } = await FakeCamera.online(harness.ingestPort, "porch", {}, OV2640_CONTROLS, key);
	await camera.close();
	new CameraKeys(keysFile).remove("porch");
	await expect(FakeCamera.online(harness.ingestPort, "porch", {}, OV2640_CONTROLS, key)).rejects.toThrow();
	expect(harness.lines.some((line) => line.code === "XSCAM_ERR_AUTH_FAILED" || line.code === "XSCAM_ERR_AUTH_REQUIRED")).toBe(true);
});

it("refuses a token removed while it runs, and ends the sessions of a user removed while it runs", async () => {
	const usersFile = fresh("users.json");
	harness = await startReceiver({ insecureViewers: false, usersFile });
	const cli = () => new ViewerAccess(usersFile);
	const token = cli().addToken("vlc", ["view"]);
	cli().addUser("alice", "correct horse battery", ["view"]);
	expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200);
	const login = await fetch(harness.base + "/login", {
		method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ name: "alice", password: "correct horse battery", next: "/" }),
	});
	const cookie = String(login.headers.get("set-cookie")).split(";")[0];
	expect((await get("/api/cameras", { cookie })).status).toBe(200);

	cli().removeToken("vlc");
	cli().removeUser("alice");
	expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(401);
	expect((await get("/api/cameras", { cookie })).status).toBe(401);
});

it("keeps what a file held when it is broken by hand, with one warning", async () => {
	const usersFile = fresh("users.json");
	harness = await startReceiver({ insecureViewers: false, usersFile });
	const token = new ViewerAccess(usersFile).addToken("vlc", ["view"]);
	expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200);
	writeFileSync(usersFile, "{ not json", { mode: 0o600 });
	for (let i = 0; i < 3; i++) expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200);
	const warnings = harness.lines.filter((line) => line.level === WARN && line.msg.startsWith("cannot use " + usersFile));
	expect(warnings).toHaveLength(1);
	expect(warnings[0].msg).toMatch(/: not JSON: .+; keeping what it held before$/);
});
