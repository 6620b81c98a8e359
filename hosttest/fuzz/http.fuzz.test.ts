// The HTTP side of a receiver that requires credentials (its default), fuzzed with real requests while
// a camera streams: every route and made-up ones, any method, mangled ids and queries, random Host,
// Origin, cookies and credentials (real ones among them), bodies of any type. No request gets a 5xx
// or a stack trace, every error is a JSON body with its code, no change goes through without the
// control right, and afterwards the receiver serves as before.
import fc from "fast-check";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { FakeCamera } from "../server/helpers/fake-camera";
import { startReceiver, syntheticJpeg, until } from "../server/helpers/harness";
import type { Harness } from "../server/helpers/harness";
import { runs } from "./arbitraries";

let harness: Harness;
let camera: FakeCamera;
let viewToken: string;
let controlToken: string;
const controls: object[] = []; // every control the camera was sent
beforeAll(async () => {
	const access = new ViewerAccess(undefined);
	access.addUser("alice", "correct horse battery", ["view", "control"]);
	viewToken = access.addToken("vlc", ["view"]);
	controlToken = access.addToken("home-assistant", ["view", "control"]);
	harness = await startReceiver({ insecureViewers: false, viewerAccess: access });
	camera = (await FakeCamera.online(harness.ingestPort, "porch")).camera;
	camera.answerControls((settings) => (controls.push(settings), { applied: settings }));
	camera.frame(syntheticJpeg(500));
	await until(() => harness.receiver.status("porch")?.frames.received === 1, "a frame");
});
afterAll(async () => {
	await camera?.close();
	await harness?.close();
});

interface Sent { method: string; path: string; headers: { [name: string]: string }; body?: string }

/** Sends `request` and resolves with its status and body once it ends, or with what came by then for a stream that does not end. */
function send({ method, path, headers, body }: Sent): Promise<{ status: number; type: string; body: string }> {
	return new Promise((resolve, reject) => {
		const request = httpRequest({ host: "127.0.0.1", port: harness.httpPort, method, path, headers, agent: false }, (response) => { // a connection each: no keep-alive race
			let text = "";
			const done = () => resolve({ status: response.statusCode!, type: String(response.headers["content-type"]), body: text });
			response.setEncoding("latin1").on("data", (chunk) => {
				text += chunk;
				if (text.length > 4096) (done(), request.destroy()); // a live stream: enough of it
			}).on("end", done).on("error", done);
		});
		request.on("error", reject);
		request.end(body);
	});
}

const segment = fc.oneof(fc.constantFrom("porch", "nobody", "..", "%2e%2e", "%00", "porch%2Fx", "a".repeat(300)), fc.webSegment());
const path = fc.oneof(
	fc.tuple(fc.constantFrom("/", "/login", "/logout", "/app.js", "/metrics", "/api/cameras"), fc.webQueryParameters()).map(([route, query]) => route + (query ? "?" + query : "")),
	fc.tuple(fc.constantFrom("/api/cameras/", "/cameras/"), segment, fc.constantFrom("", "/controls", "/control", "/stream.mjpeg", "/snapshot.jpg", "/x")).map((parts) => parts.join("")),
	fc.webPath().map((text) => "/" + text.replace(/^\/+/, "")),
);
/** Made once the tokens exist. */
const credentials = () => fc.oneof(
	fc.constant({}),
	fc.constant({ authorization: "Bearer " + viewToken }),
	fc.constant({ authorization: "Bearer " + controlToken }),
	fc.constant({ authorization: "Basic " + Buffer.from("alice:wrong").toString("base64") }),
	fc.string({ unit: "binary-ascii", maxLength: 60 }).map((text) => ({ authorization: text.replace(/[^\x20-\x7e]/g, "") })),
	fc.string({ maxLength: 80 }).map((text) => ({ cookie: "xscam_session=" + encodeURIComponent(text) })),
);
const header = fc.record({
	host: fc.constantFrom("127.0.0.1", "evil.example", "localhost:1", ""),
	origin: fc.constantFrom(undefined, "http://evil.example", "null"),
	"content-type": fc.constantFrom(undefined, "application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"),
}, { requiredKeys: [] });
const body = fc.oneof(fc.constant(undefined), fc.json({ maxDepth: 3 }), fc.string({ maxLength: 300 }), fc.constant("{\"frameRate\": 0.1}"));

const requests = () => fc.record({ method: fc.constantFrom("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"), path, header, credentials: credentials(), body })
	.map(({ method, path, header, credentials, body }): Sent => {
		const headers: { [name: string]: string } = { ...credentials };
		for (const [name, value] of Object.entries(header)) if (value !== undefined && value !== "") headers[name] = value;
		if (header.host === undefined) headers.host = "127.0.0.1:" + harness.httpPort;
		const sent = method === "GET" || method === "HEAD" ? undefined : body;
		// Node's client sends a DELETE's or OPTIONS' body without a length, so the server would read it as the next request
		if (sent !== undefined) headers["content-length"] = String(Buffer.byteLength(sent));
		return { method, path, headers, body: sent };
	});

it("answers anything without a 5xx or a stack trace, errors as JSON with a code, and no change without the control right", async () => {
	await fc.assert(fc.asyncProperty(requests(), async (sent) => {
		const before = controls.length;
		const response = await send(sent);
		expect(response.status, sent.method + " " + sent.path).toBeLessThan(500);
		expect(response.body).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
		if (response.status >= 400 && sent.method !== "HEAD") expect(JSON.parse(response.body), response.body).toHaveProperty("code");
		const mayControl = sent.headers.authorization === "Bearer " + controlToken;
		if (!mayControl) expect(controls.length, "a control went through without the right").toBe(before);
	}), { numRuns: runs(150, 0.003) });

	expect(harness.receiver.status("porch")!.online).toBe(true);
	const page = await send({ method: "GET", path: "/api/cameras/porch", headers: { authorization: "Bearer " + viewToken } });
	expect([page.status, JSON.parse(page.body).id]).toEqual([200, "porch"]);
}, 600_000);
