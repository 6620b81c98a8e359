// A camera set up for TLS (tlsCa: the receiver's CA) on the Node host, through the host's TLS socket
// (the SDK's shape and offer, hosttest/host/tls.ts): it verifies the real receiver's certificate,
// authenticates and streams frames larger than one TLS record without ever overrunning the socket, and
// learns the date from the welcome. A receiver it cannot verify (another CA, a name its certificate
// does not give, no TLS at all) gets no frame: the camera says why and tries again later, and never
// throws out of a socket callback (on a device that would restart the chip).

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import { captureLog, until } from "../server/helpers/harness";
import { makeTestCertificates, type TestCertificates } from "../server/helpers/test-certs";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";

const dir = mkdtempSync(join(tmpdir(), "xscam-device-tls-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const certs = makeTestCertificates();

let device: Device | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver?.close();
	receiver = undefined;
});

/** The CA as the tlsCa setting takes it: the PEM's base64, its lines joined. */
const base64Der = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");

async function tlsReceiver(served: TestCertificates | "none", keys: CameraKeys) {
	const { logger, lines } = captureLog();
	const tls = served === "none" ? {} : {
		tlsCert: join(dir, "cert.pem"), tlsKey: join(dir, "key.pem"),
	};
	if (served !== "none") {
		writeFileSync(tls.tlsCert!, served.cert);
		writeFileSync(tls.tlsKey!, served.key);
	}
	receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, cameraKeys: keys, ...tls });
	return { ...(await receiver.start()), lines };
}

it("verifies the receiver, authenticates, streams frames bigger than a TLS record, and learns the date from the welcome", async () => {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const { ingestPort } = await tlsReceiver(certs, keys);
	const trace: string[] = [];
	const dates: number[] = [];
	device = await boot(deviceBoard({
		port: ingestPort, frameSize: "VGA", frameBytes: 40_000, frameRate: 10, manifest: { key, tlsCa: base64Der(certs.ca) },
		trace: (text) => trace.push(text), onSetDate: (ms) => dates.push(ms),
	}));
	await until(() => (receiver!.status("cam-1")?.frames.received ?? 0) >= 10, "ten 40 KB frames over TLS", 200_000);
	const status = receiver!.status("cam-1")!;
	expect(status.frames.bad).toBe(0);
	expect(device!.session.reconnects).toBe(0); // never a "would block" or "too large" from the TLS socket
	expect(trace).toContain("xscam: streaming to 127.0.0.1:" + ingestPort + " (TLS)\n");
	expect(dates).toHaveLength(1);
	expect(Math.abs(dates[0] - Date.now())).toBeLessThan(60_000); // the receiver's clock, to the second
});

it.each([
	["a receiver whose certificate another CA signed", () => makeTestCertificates(), /TLS: .*(certificate|signature)/i],
	["a receiver whose certificate does not name the address the camera dials", () => makeTestCertificates(["other.example"], certs), /TLS: .*(altnames|does not match)/i],
	["a receiver without TLS (it closes on the ClientHello, as on any bad first bytes)", () => "none" as const, /TLS: the receiver closed the connection during the handshake \(is it serving TLS\?\)/],
])("sends nothing to %s: it says why, and tries again later", async (_name, served, reason) => {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const { ingestPort } = await tlsReceiver(served(), keys);
	const trace: string[] = [];
	device = await boot(deviceBoard({ port: ingestPort, manifest: { key, tlsCa: base64Der(certs.ca) }, trace: (text) => trace.push(text) }));
	await until(() => trace.filter((line) => line.includes("; retry in")).length >= 2, "two failed tries: " + trace.join(""), 200_000);
	const failures = trace.filter((line) => line.includes("; retry in"));
	for (const line of failures) expect(line).toMatch(reason);
	expect(receiver!.status("cam-1")?.frames.received ?? 0).toBe(0);
}, 30_000);

it("says it cannot connect, not that TLS failed, when nothing listens at the receiver's address", async () => {
	const { ingestPort } = await tlsReceiver(certs, new CameraKeys(undefined));
	await receiver!.close(); // the port is free again, and nothing listens there
	receiver = undefined;
	const trace: string[] = [];
	device = await boot(deviceBoard({ port: ingestPort, manifest: { tlsCa: base64Der(certs.ca) }, trace: (text) => trace.push(text) }));
	await until(() => trace.filter((line) => line.includes("; retry in")).length >= 2, "two failed tries: " + trace.join(""), 200_000);
	for (const line of trace.filter((text) => text.includes("; retry in"))) expect(line).toMatch(/\(TLS\): cannot connect; retry in/);
}, 30_000);
