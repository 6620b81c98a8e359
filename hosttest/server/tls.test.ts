// The receiver with a certificate (--tls-cert, --tls-key): viewers get HTTPS and a Secure session
// cookie, cameras connect over TLS, and a clear-text client on either port is refused without harm to
// the rest. Without one, a receiver bound beyond this machine says at start that it is clear text; a
// certificate and key that cannot be used stop it with one line.
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { createReceiver } from "../../server/receiver";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, WARN } from "./helpers/harness";
import type { Harness } from "./helpers/harness";
import { RtspClient, syntheticRtpJpeg } from "./helpers/rtsp-client";
import { makeTestCertificates } from "./helpers/test-certs";

const dir = mkdtempSync(join(tmpdir(), "xscam-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const certs = makeTestCertificates();
const stranger = makeTestCertificates(); // a CA of the same name, another key: made here, since two RSA keys take seconds on a loaded machine
const file = (name: string, text: string) => (writeFileSync(join(dir, name), text), join(dir, name));
const tlsCert = file("cert.pem", certs.cert);
const tlsKey = file("key.pem", certs.key);

let harness: Harness | undefined;
afterEach(async () => {
	await harness?.close();
	expect(harness?.clock.pending ?? 0, "timers left after close").toBe(0);
	harness = undefined;
});

function https(path: string, options: { ca?: string; method?: string; headers?: { [name: string]: string }; body?: string } = {}) {
	return new Promise<{ status: number; headers: { [name: string]: string | string[] | undefined }; body: string }>((resolve, reject) => {
		const request = httpsRequest({ host: "127.0.0.1", port: harness!.httpPort, path, method: options.method ?? "GET", headers: options.headers, ca: options.ca ?? certs.ca }, (response) => {
			let body = "";
			response.setEncoding("utf8").on("data", (chunk) => (body += chunk)).on("end", () => resolve({ status: response.statusCode!, headers: response.headers, body }));
		});
		request.on("error", reject);
		request.end(options.body);
	});
}

describe("with a certificate", () => {
	it("serves viewers over HTTPS, and says so when it starts", async () => {
		harness = await startReceiver({ tlsCert, tlsKey });
		const response = await https("/api/cameras");
		expect([response.status, JSON.parse(response.body)]).toEqual([200, { cameras: [] }]);
		const listening = harness.lines.find((line) => line.msg.startsWith("xscam receiver listening"))!;
		expect(listening.msg).toContain("(TLS), viewers on https://127.0.0.1:" + harness.httpPort + "/");
		expect(listening.tls).toBe(true);
	});

	it("refuses a client that does not trust its CA", async () => {
		harness = await startReceiver({ tlsCert, tlsKey });
		await expect(https("/api/cameras", { ca: stranger.ca })).rejects.toMatchObject({ code: "CERT_SIGNATURE_FAILURE" });
	});

	it("marks the session cookie Secure, so a browser never sends it in clear text", async () => {
		const access = new ViewerAccess(undefined);
		access.addUser("alice", "correct horse battery", ["view"]);
		harness = await startReceiver({ tlsCert, tlsKey, insecureViewers: false, viewerAccess: access });
		const body = new URLSearchParams({ name: "alice", password: "correct horse battery", next: "/" }).toString();
		const response = await https("/login", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
		expect(response.status).toBe(303);
		expect(String(response.headers["set-cookie"])).toMatch(/; Secure/);
		const cookie = String(response.headers["set-cookie"]).split(";")[0];
		expect((await https("/api/cameras", { headers: { cookie } })).status).toBe(200);
	});

	it("takes cameras over TLS: they authenticate and stream as in clear text", async () => {
		harness = await startReceiver({ tlsCert, tlsKey });
		const camera = await FakeCamera.connect(harness.ingestPort, { ca: certs.ca });
		await camera.greet("porch");
		camera.frame(syntheticJpeg(2000));
		await until(() => harness!.receiver.status("porch")?.frames.received === 1, "a frame over TLS");
		const snapshot = await https("/cameras/porch/snapshot.jpg");
		expect([snapshot.status, snapshot.headers["content-type"]]).toEqual([200, "image/jpeg"]);
		await camera.close();
	});

	it("drops a camera that speaks clear text to the TLS port, and keeps serving the others", async () => {
		harness = await startReceiver({ tlsCert, tlsKey });
		const plain = await FakeCamera.connect(harness.ingestPort);
		plain.send({ type: "hello", flags: 0, id: "plain", firmware: "0.1.0", board: "test", sensor: "OV2640", width: 320, height: 240 });
		await plain.closed;
		expect(harness.receiver.status("plain")).toBeUndefined();
		const camera = await FakeCamera.connect(harness.ingestPort, { ca: certs.ca });
		await camera.greet("porch");
		await camera.close();
	});

	it("counts handshakes among the connections waiting to be admitted, and drops those unfinished after the hello timeout", async () => {
		harness = await startReceiver({ tlsCert, tlsKey, maxPendingConnections: 4, helloTimeoutMs: 5000 });
		const silent = await Promise.all(Array.from({ length: 4 }, () => FakeCamera.connect(harness!.ingestPort))); // TCP, never a ClientHello
		const metrics = async () => (await https("/metrics")).body;
		for (let turn = 0; turn < 100 && !/^xscam_ingest_unadmitted 4$/m.test(await metrics()); turn++);
		const extra = await FakeCamera.connect(harness.ingestPort);
		await extra.closed; // refused at once
		expect(await metrics()).toMatch(/^xscam_ingest_refused_total 1$/m);
		expect(await metrics()).toMatch(/^xscam_ingest_unadmitted 4$/m);
		harness.clock.advance(5000);
		await Promise.all(silent.map((fake) => fake.closed));
		const camera = await FakeCamera.connect(harness.ingestPort, { ca: certs.ca }); // room again
		await camera.greet("porch");
		await camera.close();
	});
});

describe("with a certificate, RTSP", () => {
	it("is rtsps: frames over the TLS connection, UDP refused (461: it would carry them in clear), clear text dropped", async () => {
		harness = await startReceiver({ tlsCert, tlsKey });
		const secure = await FakeCamera.connect(harness.ingestPort, { ca: certs.ca });
		await secure.greet("cam");
		const url = "rtsp://127.0.0.1:" + harness.rtspPort + "/cam";
		const client = await RtspClient.open(harness.rtspPort, { ca: certs.ca });
		expect((await client.request("SETUP", url + "/track1", { Transport: "RTP/AVP;unicast;client_port=40000-40001" })).status).toBe(461);
		await client.play(url);
		secure.frame(syntheticRtpJpeg(3000), { captureTime: harness.clock.now() });
		await until(() => client.frames().length === 1, "a frame over rtsps");
		const plain = await RtspClient.open(harness.rtspPort);
		plain.socket.write("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n");
		await plain.closed;
		await Promise.all([client.close(), secure.close()]);
	});
});

describe("with a certificate, the hello timeout", () => {
	it("runs from a camera's first byte, its TLS handshake included, not from the end of the handshake", async () => {
		harness = await startReceiver({ tlsCert, tlsKey, helloTimeoutMs: 5000 });
		const raw = await new Promise<Socket>((resolve) => {
			const socket = connect(harness!.ingestPort, "127.0.0.1", () => resolve(socket));
		});
		for (let turn = 0; turn < 100 && !/^xscam_ingest_unadmitted 1$/m.test((await https("/metrics")).body); turn++);
		harness.clock.advance(3000); // no ClientHello yet
		const secure = connectTls({ socket: raw, ca: certs.ca, host: "127.0.0.1" });
		await once(secure, "secureConnect");
		for (let turn = 0; turn < 100 && !/^xscam_ingest_connections 1$/m.test((await https("/metrics")).body); turn++); // a session now
		const closed = once(secure, "close");
		harness.clock.advance(2000); // 5 s since it connected, and it has not said hello
		await closed;
	});
});

describe("without one", () => {
	it("warns at start when it serves more than this machine in clear text, and not on loopback", async () => {
		harness = await startReceiver({ host: "0.0.0.0" });
		expect(harness.lines.filter((line) => line.level === WARN && line.msg.startsWith("no --tls-cert")).map((line) => line.msg))
			.toEqual(["no --tls-cert: cameras and viewers on 0.0.0.0 are served in clear text; anyone on the way can read the frames (docs/security.md)"]);
		await harness.close();
		harness = await startReceiver({ host: "127.0.0.1" });
		expect(harness.lines.some((line) => line.msg.startsWith("no --tls-cert"))).toBe(false);
	});
});

describe("a certificate and key that cannot be used", () => {
	const other = makeTestCertificates();
	const cases: [string, { tlsCert?: string; tlsKey?: string }, RegExp][] = [
		["a certificate without a key", { tlsCert }, /give both --tls-cert and --tls-key/],
		["a key without a certificate", { tlsKey }, /give both --tls-cert and --tls-key/],
		["a file that is not there", { tlsCert: join(dir, "missing.pem"), tlsKey }, /ENOENT.*missing\.pem/],
		["a key that is not the certificate's", { tlsCert, tlsKey: file("other-key.pem", other.key) }, /key values mismatch/],
		["a certificate that is not PEM", { tlsCert: file("garbage.pem", "not a certificate"), tlsKey }, /cannot use the TLS certificate and key/],
	];
	it.each(cases)("stops it at creation with one line: %s", (_name, files, message) => {
		let thrown: unknown;
		try { createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, ...files }); }
		catch (error) { thrown = error; }
		expect(thrown).toMatchObject({ code: "XSCAM_ERR_TLS" });
		expect((thrown as Error).message).toMatch(message);
		expect((thrown as Error).message).not.toContain("\n");
	});
});
