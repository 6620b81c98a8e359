// A Wi-Fi move through the real receiver's API (POST /api/cameras/:id/move over HTTPS) to the unchanged
// firmware over TLS, the only way a password may travel: the camera joins the new network, is welcomed,
// keeps it across a restart, and never shows or logs the password; a move with a wrong password fails to
// join and the camera goes back to the network it had.

import { request } from "node:https";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import { captureLog, type LogLine, until } from "../server/helpers/harness";
import { makeTestCertificates } from "../server/helpers/test-certs";
import { boot } from "./boot";
import { deviceBoard, type DeviceBoard } from "./device-board";

const dir = mkdtempSync(join(tmpdir(), "xscam-move-wifi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const certs = makeTestCertificates();
const tlsCa = certs.ca.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const OFFICE = { ssid: "office", password: "office-passphrase" };

let device: Device | undefined;
let receiver: Receiver;
let ports: { ingestPort: number; httpPort: number };
let lines: LogLine[];
let trace: string[];
let board: DeviceBoard;

beforeEach(async () => {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	writeFileSync(join(dir, "cert.pem"), certs.cert);
	writeFileSync(join(dir, "key.pem"), certs.key);
	const log = captureLog();
	lines = log.lines;
	receiver = createReceiver({
		ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger: log.logger, cameraKeys: keys, insecureViewers: true,
		tlsCert: join(dir, "cert.pem"), tlsKey: join(dir, "key.pem"),
	});
	ports = await receiver.start();
	trace = [];
	board = deviceBoard({
		port: ports.ingestPort, manifest: { key, tlsCa }, otherAccessPoints: [OFFICE], trace: (text) => trace.push(text),
		radio: { associateDelay: 5, dhcpDelay: 5, handshakeTimeout: 50 },
	});
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver.close();
});

function move(body: unknown): Promise<{ status: number; body: any }> {
	return new Promise((resolve, reject) => {
		const sent = request({ host: "127.0.0.1", port: ports.httpPort, path: "/api/cameras/cam-1/move", method: "POST", ca: certs.ca, headers: { "content-type": "application/json" } }, (response) => {
			let text = "";
			response.on("data", (chunk) => text += chunk);
			response.on("end", () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
		});
		sent.on("error", reject);
		sent.end(JSON.stringify(body));
	});
}

const received = () => receiver.status("cam-1")?.frames.received ?? 0;

it("joins the new network, is welcomed, and keeps it across a restart; the password is never shown or logged", async () => {
	device = await boot(board);
	await until(() => received() >= 3, "frames over the home network", 200_000);

	const answer = await move(OFFICE);
	expect(answer).toEqual({ status: 200, body: { requestId: expect.any(Number), applied: {}, pending: { ssid: "office", password: "(hidden)" }, refused: {} } });
	await until(() => trace.some((line) => line.startsWith("xscam: moved to 127.0.0.1:" + ports.ingestPort + " over \"office\"; saved")), "the move kept", 200_000);
	expect(board.radio.accessPoint?.ssid).toBe("office");
	const before = received();
	await until(() => received() >= before + 3, "frames over the office network", 200_000);

	device!.close();
	device = await boot(board);
	await until(() => trace.filter((line) => line.startsWith("xscam: wifi up")).length === 3, "the restarted camera up", 200_000);
	expect(board.radio.accessPoint?.ssid).toBe("office");
	expect(trace.join("") + JSON.stringify(lines)).not.toContain(OFFICE.password);
}, 30_000);

it("goes back to the network it had when it cannot join the new one", async () => {
	device = await boot(board);
	await until(() => received() >= 3, "frames over the home network", 200_000);
	expect((await move({ ssid: "office", password: "not-the-passphrase" })).status).toBe(200);
	await until(() => trace.some((line) => line.startsWith("xscam: move to")), "the move given up", 200_000);
	expect(trace).toContainEqual(expect.stringMatching(/^xscam: move to 127\.0\.0\.1:\d+ over "office" failed \(cannot join "office"\); back to 127\.0\.0\.1:\d+ over "home"\n$/));
	const before = received();
	await until(() => received() >= before + 3, "frames over the home network again", 200_000);
	expect(board.radio.accessPoint?.ssid).toBe("home");
	expect(board.preferences.get("xscamNet")?.size ?? 0).toBe(0);
}, 30_000);
