// A running receiver follows its secret files: what `xscam-server keys` and `tokens` and `users` do
// in another process takes effect at the next connection or request, without a restart. A key removed
// keeps that camera out, a token removed is refused, a user removed is logged out; a file broken by
// hand is reported once and what it held before stays in force.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
	// a hash in single quotes: the parser's own message would quote it
	writeFileSync(usersFile, "{\n\t\"tokens\": { \"vlc\": { \"sha256\": '5ec2e75ec2e7' } }\n}", { mode: 0o600 });
	for (let i = 0; i < 3; i++) expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200);
	const warnings = harness.lines.filter((line) => line.level === WARN && line.msg.startsWith("cannot use " + usersFile));
	expect(warnings).toHaveLength(1);
	expect(warnings[0].msg).toMatch(/: not valid JSON( at line \d+, column \d+)?; keeping what it held before$/);
	expect(JSON.stringify(harness.lines)).not.toContain("5ec2e7");
});

it("refuses entries it could not use safely: a hash that any password matches, a token hash that is not SHA-256", async () => {
	const usersFile = fresh("users.json");
	harness = await startReceiver({ insecureViewers: false, usersFile });
	const token = new ViewerAccess(usersFile).addToken("vlc", ["view"]);
	expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200); // the file as the CLI wrote it
	const good = JSON.parse(readFileSync(usersFile, "utf8"));
	const broken = [
		{ ...good, users: { mallory: { password: "scrypt$16384$8$1$00$", rights: ["view"] } } }, // no hash: would match anything
		{ ...good, users: { mallory: { password: "scrypt$4294967296$8$1$0011223344556677$" + "00".repeat(32), rights: ["view"] } } }, // minutes of scrypt
		{ ...good, tokens: { ...good.tokens, other: { sha256: "abc", rights: ["view"] } } },
	];
	for (const [n, contents] of broken.entries()) {
		writeFileSync(usersFile, JSON.stringify(contents) + " ".repeat(n), { mode: 0o600 }); // a new size: seen as changed
		expect((await get("/api/cameras", { authorization: "Bearer " + token })).status).toBe(200); // the last good file holds
		const login = await fetch(harness.base + "/login", {
			method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" },
			body: new URLSearchParams({ name: "mallory", password: "anything", next: "/" }),
		});
		expect(login.headers.get("location")).toBe("/login?failed=1&next=%2F");
	}
	const warnings = harness.lines.filter((line) => line.level === WARN && line.msg.startsWith("cannot use " + usersFile)).map((line) => line.msg);
	expect(warnings).toEqual([
		expect.stringContaining("user \"mallory\" has no password hash that xscam-server users add makes"),
		expect.stringContaining("user \"mallory\" has no password hash that xscam-server users add makes"),
		expect.stringContaining("token \"other\" has no hash of 64 hex digits"),
	]);
});
