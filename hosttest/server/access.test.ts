// Who may watch and who may change settings (docs/security.md), on a receiver as it starts by default:
// nothing without credentials; a login page and a session cookie for people; tokens for the clients
// that cannot log in, as a bearer header, basic auth or ?token=, each with its rights and revocable;
// a Host that must name the receiver; no changes from another site; control requests rate-limited.
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, WARN } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { MjpegClient } from "./helpers/mjpeg-client";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

/** A receiver with credentials required (the default), a user and two tokens. */
async function secured(publicUrls: string[] = []) {
	const access = new ViewerAccess(undefined);
	access.addUser("alice", "correct horse battery", ["view", "control"]);
	const viewToken = access.addToken("vlc", ["view"]);
	const controlToken = access.addToken("home-assistant", ["view", "control"]);
	harness = await startReceiver({ insecureViewers: false, viewerAccess: access, publicUrls });
	const { camera } = await FakeCamera.online(harness.ingestPort, "porch");
	camera.answerControls((settings) => ({ applied: settings }));
	camera.frame(syntheticJpeg(500));
	await until(() => harness.receiver.status("porch")!.frames.received === 1, "a frame");
	return { access, viewToken, controlToken, camera };
}

/** A raw request, for headers fetch() will not send (Host) or follow (redirects). */
function raw(path: string, headers: { [name: string]: string } = {}, method = "GET", body?: string): Promise<{ status: number; headers: { [name: string]: string | string[] | undefined }; body: string }> {
	return new Promise((resolve, reject) => {
		const request = httpRequest({ host: "127.0.0.1", port: harness.httpPort, path, method, headers }, (response) => {
			let text = "";
			response.setEncoding("utf8").on("data", (chunk) => (text += chunk)).on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
		});
		request.on("error", reject);
		request.end(body);
	});
}

const login = (name: string, password: string) =>
	raw("/login", { "content-type": "application/x-www-form-urlencoded" }, "POST", new URLSearchParams({ name, password, next: "/" }).toString());
const cookieOf = (response: { headers: { [name: string]: string | string[] | undefined } }) => String(response.headers["set-cookie"]).split(";")[0];
const control = (headers: { [name: string]: string }, body: object = { brightness: 1 }) =>
	raw("/api/cameras/porch/control", { "content-type": "application/json", ...headers }, "POST", JSON.stringify(body));

describe("without credentials", () => {
	it("gets nothing: the page sends a browser to log in, everything else is a 401 that names basic auth", async () => {
		await secured();
		const page = await raw("/", { accept: "text/html" });
		expect([page.status, page.headers.location]).toEqual([303, "/login?next=%2F"]);
		for (const path of ["/api/cameras", "/api/cameras/porch", "/cameras/porch/snapshot.jpg", "/cameras/porch/stream.mjpeg", "/metrics", "/app.js"]) {
			const response = await raw(path);
			expect(response.status, path).toBe(401);
			expect(response.headers["www-authenticate"], path).toBe("Basic realm=\"xscam\", charset=\"UTF-8\"");
			expect(JSON.parse(response.body), path).toMatchObject({ code: "XSCAM_ERR_UNAUTHORIZED" });
		}
		expect((await control({})).status).toBe(401);
		expect(harness.receiver.status("porch")).toMatchObject({ viewers: 0 });
		expect((await raw("/login")).status).toBe(200); // the login page and its style are open
		expect((await raw("/style.css")).status).toBe(200);
	});
});

describe("people", () => {
	it("log in with a password and get a session cookie (HttpOnly, SameSite=Strict); a wrong password gets one warning and the form again", async () => {
		await secured();
		const wrong = await login("alice", "wrong");
		expect([wrong.status, wrong.headers.location]).toEqual([303, "/login?failed=1&next=%2F"]);
		expect(harness.lines.find((line) => line.msg.includes("a failed login"))).toMatchObject({ level: WARN, user: "alice" });
		expect(JSON.stringify(harness.lines)).not.toContain("wrong\""); // the password tried is not logged
		const good = await login("alice", "correct horse battery");
		expect([good.status, good.headers.location]).toEqual([303, "/"]);
		expect(String(good.headers["set-cookie"])).toMatch(/^xscam_session=[\w-]{43}; Max-Age=604800; Path=\/; HttpOnly; SameSite=Strict$/);
		const cookie = cookieOf(good);
		expect((await raw("/", { cookie })).status).toBe(200);
		expect((await raw("/api/cameras", { cookie })).status).toBe(200);
		expect((await control({ cookie })).status).toBe(200);
		const out = await raw("/logout", { cookie }, "POST");
		expect(out.status).toBe(303);
		expect((await raw("/api/cameras", { cookie })).status).toBe(401);
	});

	it("may try to log in 10 times a minute from one address, and never with basic auth, which nothing would limit", async () => {
		await secured();
		const statuses: number[] = [];
		for (let n = 0; n < 12; n++) statuses.push((await login("alice", "guess " + n)).status);
		expect(statuses).toEqual([...Array(10).fill(303), 429, 429]);
		const basic = "Basic " + Buffer.from("alice:correct horse battery").toString("base64");
		expect((await raw("/api/cameras", { authorization: basic })).status).toBe(401); // her right password: still no
	});

	it("are sent back only to this receiver's own pages after logging in, however the next page is spelt", async () => {
		await secured();
		const next = async (path: string) => (await raw("/login", { "content-type": "application/x-www-form-urlencoded" }, "POST",
			new URLSearchParams({ name: "alice", password: "correct horse battery", next: path }).toString())).headers.location;
		expect(await next("/cameras/porch/stream.mjpeg?x=1")).toBe("/cameras/porch/stream.mjpeg?x=1");
		for (const away of ["//evil.example/", "/\\evil.example/x", "/\t/evil.example", "https://evil.example/", "evil.example"])
			expect(await next(away), away).toBe("/");
	});

	it("cannot be logged in by another site's page, and a login form that is not text is refused, not a failure of the receiver", async () => {
		await secured();
		const forged = await raw("/login", { "content-type": "application/x-www-form-urlencoded", origin: "http://attacker.example" }, "POST",
			new URLSearchParams({ name: "alice", password: "correct horse battery", next: "/" }).toString());
		expect(forged.status).toBe(403);
		expect(forged.headers["set-cookie"]).toBeUndefined();
		const odd = await raw("/login", { "content-type": "application/json" }, "POST", JSON.stringify({ name: "alice", password: 5 }));
		expect([odd.status, odd.headers.location]).toEqual([303, "/login?failed=1&next=%2F"]);
	});

	it("behind a --trust-proxy, are told apart by the proxy's X-Forwarded-For, and get a Secure cookie when it says HTTPS", async () => {
		const access = new ViewerAccess(undefined);
		access.addUser("alice", "correct horse battery", ["view"]);
		harness = await startReceiver({ insecureViewers: false, viewerAccess: access, trustProxy: ["127.0.0.1"] });
		const from = (client: string, password: string) => raw("/login", { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": client, "x-forwarded-proto": "https" },
			"POST", new URLSearchParams({ name: "alice", password, next: "/" }).toString());
		for (let n = 0; n < 10; n++) expect((await from("203.0.113.5", "guess " + n)).status).toBe(303);
		expect((await from("203.0.113.5", "guess")).status).toBe(429);
		const other = await from("198.51.100.7", "correct horse battery"); // another client behind the same proxy
		expect(other.status).toBe(303);
		expect(String(other.headers["set-cookie"])).toMatch(/; Secure/);
	});

	it("without one, get no Secure cookie from a header anyone can send", async () => {
		await secured();
		const response = await raw("/login", { "content-type": "application/x-www-form-urlencoded", "x-forwarded-proto": "https" }, "POST",
			new URLSearchParams({ name: "alice", password: "correct horse battery", next: "/" }).toString());
		expect(String(response.headers["set-cookie"])).not.toMatch(/Secure/);
	});

	it("lose their sessions when they get a new password", async () => {
		const { access } = await secured();
		const cookie = cookieOf(await login("alice", "correct horse battery"));
		expect((await raw("/api/cameras", { cookie })).status).toBe(200);
		access.addUser("alice", "a new password entirely", ["view", "control"]); // xscam-server users add alice, again
		expect((await raw("/api/cameras", { cookie })).status).toBe(401);
	});

	it("open a session once with a one-time link, which a second use no longer opens", async () => {
		await secured();
		const code = harness.receiver.grantLogin();
		const first = await raw("/?login=" + code);
		expect([first.status, first.headers.location]).toEqual([303, "/"]);
		expect((await raw("/api/cameras", { cookie: cookieOf(first) })).status).toBe(200);
		const again = await raw("/?login=" + code);
		expect([again.status, again.headers.location]).toEqual([303, "/login?expired=1"]);
	});
});

describe("tokens", () => {
	it("let in a client that cannot log in, as a bearer header, basic auth, or ?token=", async () => {
		const { viewToken } = await secured();
		expect((await raw("/api/cameras/porch", { authorization: "Bearer " + viewToken })).status).toBe(200);
		expect((await raw("/cameras/porch/snapshot.jpg", { authorization: "Basic " + Buffer.from("vlc:" + viewToken).toString("base64") })).status).toBe(200);
		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/porch/stream.mjpeg?token=" + encodeURIComponent(viewToken));
		await until(() => viewer.parts.length === 1, "the latest frame through a token");
		await viewer.close();
		expect((await raw("/metrics?token=" + viewToken)).status).toBe(200);
		expect((await raw("/api/cameras?token=not-a-token")).status).toBe(401);
	});

	it("hold their rights: a view token cannot change settings; a control token can", async () => {
		const { viewToken, controlToken } = await secured();
		const refused = await control({ authorization: "Bearer " + viewToken });
		expect(refused.status).toBe(403);
		expect(JSON.parse(refused.body)).toMatchObject({ code: "XSCAM_ERR_FORBIDDEN", message: "token vlc may not control" });
		expect((await control({ authorization: "Bearer " + controlToken })).status).toBe(200);
	});

	it("stop working the moment they are revoked, and a stream open with one ends within seconds", async () => {
		const { access, viewToken, camera } = await secured();
		expect((await raw("/api/cameras", { authorization: "bearer " + viewToken })).status).toBe(200); // any case of the scheme
		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/porch/stream.mjpeg?token=" + encodeURIComponent(viewToken));
		await until(() => viewer.parts.length === 1, "the stream");
		harness.clock.advance(5000);
		camera.frame(syntheticJpeg(600));
		await until(() => viewer.parts.length === 2, "the stream, still allowed after a check");
		access.removeToken("vlc");
		expect((await raw("/api/cameras", { authorization: "Bearer " + viewToken })).status).toBe(401);
		harness.clock.advance(5000);
		await viewer.closed;
		expect(harness.lines.some((line) => line.msg.includes("may no longer view it: stream ended"))).toBe(true);
	});
});

describe("the HTTP side's other defences", () => {
	it("answers only a Host that names this receiver: an address, localhost or a --public-url (no DNS rebinding)", async () => {
		const { viewToken } = await secured(["https://cameras.example.net"]);
		const auth = { authorization: "Bearer " + viewToken };
		for (const host of ["127.0.0.1:8080", "192.168.1.10:8080", "[::1]:8080", "localhost:8080", "cameras.example.net"])
			expect((await raw("/api/cameras", { ...auth, host })).status, host).toBe(200);
		const rebound = await raw("/api/cameras", { ...auth, host: "attacker.example:8080" });
		expect(rebound.status).toBe(421);
		expect(JSON.parse(rebound.body)).toMatchObject({ code: "XSCAM_ERR_HOST" });
		expect((await raw("/login", { host: "attacker.example" })).status).toBe(421); // even the open pages
	});

	it("refuses a change that another site's page asks for, even with the session cookie", async () => {
		await secured();
		const cookie = cookieOf(await login("alice", "correct horse battery"));
		const forged = await control({ cookie, origin: "http://attacker.example" });
		expect(forged.status).toBe(403);
		expect(JSON.parse(forged.body)).toMatchObject({ code: "XSCAM_ERR_CROSS_SITE" });
		expect((await control({ cookie, origin: "http://127.0.0.1:" + harness.httpPort })).status).toBe(200); // the receiver's own page
	});

	it("rate-limits control requests: a client in a loop gets 429s, and the camera hears at most 5 a second from it", async () => {
		const { camera, controlToken } = await secured();
		const statuses = await Promise.all(Array.from({ length: 100 }, () => control({ authorization: "Bearer " + controlToken })));
		const counts = statuses.reduce((all, { status }) => ({ ...all, [status]: (all[status] ?? 0) + 1 }), {} as { [status: number]: number });
		expect(counts).toEqual({ 200: 5, 429: 95 });
		expect(camera.received.filter((message) => message.type === "control")).toHaveLength(5);
		harness.clock.advance(1000); // a second later: five more
		expect((await control({ authorization: "Bearer " + controlToken })).status).toBe(200);
	});

	it("holds at most --max-http-connections connections: one more is closed at once, and room comes back", async () => {
		harness = await startReceiver({ maxHttpConnections: 2 });
		const open = () => new Promise<Socket>((resolve) => {
			const socket = connect(harness.httpPort, "127.0.0.1", () => resolve(socket));
		});
		const held = [await open(), await open()];
		const extra = await open();
		await once(extra, "close"); // closed by the receiver, having said nothing
		held[0].destroy();
		let status = 0;
		for (let turn = 0; turn < 100 && status !== 200; turn++) status = await raw("/api/cameras").then((response) => response.status, () => 0);
		expect(status).toBe(200); // once the receiver has seen the first one go
		held[1].destroy();
	});

	it("with --insecure-viewers, limits control requests per address, so one client in a loop does not starve the others", async () => {
		harness = await startReceiver({ insecureViewers: true, trustProxy: ["127.0.0.1"] }); // two clients behind one proxy
		const { camera } = await FakeCamera.online(harness.ingestPort, "porch");
		camera.answerControls((settings) => ({ applied: settings }));
		const from = (client: string) => control({ "x-forwarded-for": client });
		const looping = await Promise.all(Array.from({ length: 20 }, () => from("203.0.113.5")));
		expect(looping.filter(({ status }) => status === 429)).toHaveLength(15);
		expect((await from("198.51.100.7")).status).toBe(200);
	});

	it("says at start when nobody can log in", async () => {
		harness = await startReceiver({ insecureViewers: false, viewerAccess: new ViewerAccess(undefined) });
		expect(harness.lines.find((line) => line.msg.startsWith("no users or tokens"))).toMatchObject({ level: WARN });
	});
});
