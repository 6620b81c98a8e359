// The receiver's life: ports bound and reported, everything released on close (sockets, timers, ports),
// a second receiver on the same ports at once, a port in use reported as one coded error.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { createReceiver } from "../../server/receiver";
import { FakeCamera } from "./helpers/fake-camera";
import { captureLog, startReceiver, syntheticJpeg, until } from "./helpers/harness";
import { ManualClock } from "./helpers/manual-clock";
import { TEST_KEYS } from "./helpers/test-keys";
import { MjpegClient } from "./helpers/mjpeg-client";

function occupy(): Promise<{ server: Server; port: number }> {
	return new Promise((resolve) => {
		const server = createServer();
		server.listen(0, "127.0.0.1", () => resolve({ server, port: (server.address() as { port: number }).port }));
	});
}

describe("the receiver's life", () => {
	it("closes cameras, viewers and timers, frees its ports, and a new receiver can take them at once", async () => {
		const harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
		const viewer = await MjpegClient.open(harness.httpPort, "/cameras/cam/stream.mjpeg");
		const lurker = await FakeCamera.connect(harness.ingestPort); // connected, no hello yet
		camera.frame(syntheticJpeg(1000));
		await until(() => viewer.parts.length === 1, "a frame at the viewer");
		// 1. close with a camera, a viewer and a half-open connection attached
		await harness.close();
		await Promise.all([camera.closed, viewer.closed, lurker.closed]);
		expect(harness.clock.pending).toBe(0);
		expect(harness.lines.filter((line) => line.code === "XSCAM_ERR_SHUTDOWN")).toHaveLength(2);
		// 2. a new receiver on the very same ports (what Ctrl-C and start again does)
		const { logger } = captureLog();
		const ports = { ingestPort: harness.ingestPort, httpPort: harness.httpPort, rtspPort: harness.rtspPort };
		const again = createReceiver({ ...ports, host: "127.0.0.1", logger, clock: new ManualClock(), cameraKeys: TEST_KEYS });
		expect(await again.start()).toEqual(ports);
		await again.close();
	});

	it("leaves no socket, server, timer or file handle behind, on the real clock", async () => {
		const dir = mkdtempSync(join(tmpdir(), "xscam-leak-"));
		const count = () => {
			const counts: { [resource: string]: number } = {};
			for (const resource of process.getActiveResourcesInfo()) counts[resource] = (counts[resource] ?? 0) + 1;
			// open files do not show as resources: count the process's descriptors (Linux)
			if (existsSync("/proc/self/fd")) counts.descriptors = readdirSync("/proc/self/fd").length;
			return counts;
		};
		const before = count();
		const { logger } = captureLog();
		const receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, record: true, recordingDir: dir, cameraKeys: TEST_KEYS, insecureViewers: true });
		const { ingestPort, httpPort } = await receiver.start();
		const { camera } = await FakeCamera.online(ingestPort, "cam");
		const viewer = await MjpegClient.open(httpPort, "/cameras/cam/stream.mjpeg");
		camera.frame(syntheticJpeg(1000));
		await until(() => viewer.parts.length === 1 && receiver.status("cam")!.recording.state === "recording", "a frame streamed and recorded");
		await receiver.close();
		await Promise.all([camera.closed, viewer.closed]);
		await new Promise((resolve) => setImmediate(resolve));
		const after = count();
		for (const resource of ["TCPServerWrap", "TCPSocketWrap", "UDPWrap", "Timeout", "FSReqPromise", "descriptors"])
			expect(after[resource] ?? 0, resource).toBeLessThanOrEqual(before[resource] ?? 0);
		rmSync(dir, { recursive: true, force: true });
	});

	it("reports a port in use as one coded error, and releases the port it did bind", async () => {
		const busy = await occupy();
		const spare = await occupy(); // a free port for ingest: taken, then let go
		await new Promise((resolve) => spare.server.close(resolve));
		const { logger } = captureLog();
		const receiver = createReceiver({ ingestPort: spare.port, httpPort: busy.port, rtspPort: 0, host: "127.0.0.1", logger, clock: new ManualClock(), cameraKeys: TEST_KEYS });
		await expect(receiver.start()).rejects.toMatchObject({
			code: "XSCAM_ERR_PORT_IN_USE", message: "http port " + busy.port + " is already in use on 127.0.0.1",
		});
		// the ingest port it bound before the HTTP port failed is free again
		const retaken = createServer();
		await new Promise<void>((resolve, reject) => retaken.once("error", reject).listen(spare.port, "127.0.0.1", resolve));
		await new Promise((resolve) => retaken.close(resolve));
		await new Promise((resolve) => busy.server.close(resolve));
	});

	it("starts once; close is idempotent", async () => {
		const harness = await startReceiver();
		await expect(harness.receiver.start()).rejects.toMatchObject({ code: "XSCAM_ERR_ALREADY_STARTED" });
		await Promise.all([harness.close(), harness.close()]);
		await harness.close();
	});

	it("checks its options when created, before binding anything", () => {
		expect(() => createReceiver({ httpPort: 99_999 })).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION" }));
	});

	it("keeps two receivers in one process apart, metrics included", async () => {
		const one = await startReceiver();
		const two = await startReceiver();
		const { camera } = await FakeCamera.online(one.ingestPort, "only-in-one");
		camera.frame(syntheticJpeg(100));
		await until(() => one.receiver.status("only-in-one")?.frames.received === 1, "a frame");
		expect(two.receiver.list()).toEqual([]);
		expect(await (await fetch(two.base + "/metrics")).text()).not.toContain("only-in-one");
		await camera.close();
		await Promise.all([one.close(), two.close()]);
	});
});
