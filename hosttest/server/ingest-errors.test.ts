// Ingest against bad input and bad behaviour: each closes that connection only, with one log line that
// names the camera (or the remote address before the hello) and the error's code; the other cameras
// keep streaming. Timeouts run on the manual clock.
import { afterEach, describe, expect, it } from "vitest";
import { encode } from "../../src/protocol/encoder";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, WARN } from "./helpers/harness";
import type { Harness, LogLine } from "./helpers/harness";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const closeLines = (lines: LogLine[]) => lines.filter((line) => typeof line.code === "string" && line.msg.includes(" closed"));

/** A healthy camera streams throughout; resolves with how many frames the receiver counted. */
async function streamOneFrame(camera: FakeCamera, id: string, harness: Harness): Promise<number> {
	const before = harness.receiver.status(id)!.frames.received;
	camera.frame(syntheticJpeg(500));
	await until(() => harness.receiver.status(id)!.frames.received === before + 1, "a frame from " + id);
	return before + 1;
}

const helloBytes = (id: string) => encode({ type: "hello", flags: 0, id, firmware: "1", board: "b", sensor: "s", width: 320, height: 240 });

describe.each([
	{ name: "bad magic", code: "XSCAM_ERR_BAD_MAGIC", bytes: () => Buffer.from("GET / HTTP/1.1\r\n\r\n") },
	{ name: "another version", code: "XSCAM_ERR_BAD_VERSION", bytes: () => Buffer.from([0x58, 0x43, 0x02, 0x02, 0, 0, 0, 20]) },
	{ name: "an unknown type", code: "XSCAM_ERR_BAD_TYPE", bytes: () => Buffer.from([0x58, 0x43, 0x01, 0x7e, 0, 0, 0, 0]) },
	{ name: "a server-only type", code: "XSCAM_ERR_WRONG_DIRECTION", bytes: () => Buffer.from([0x58, 0x43, 0x01, 0x82, 0, 0, 0, 4, 0, 0, 0, 1]) },
	{ name: "a frame over the limit", code: "XSCAM_ERR_TOO_LARGE", bytes: () => Buffer.from([0x58, 0x43, 0x01, 0x02, 0x00, 0x10, 0x00, 0x01]) },
	{ name: "a stats body of the wrong size", code: "XSCAM_ERR_BAD_BODY", bytes: () => Buffer.from([0x58, 0x43, 0x01, 0x03, 0, 0, 0, 3, 1, 2, 3]) },
	{ name: "a second hello", code: "XSCAM_ERR_SECOND_HELLO", bytes: () => helloBytes("bad") },
])("after its hello, a camera that sends $name", ({ code, bytes }) => {
	it("is closed with one line naming it and " + code + "; the other camera keeps streaming", async () => {
		harness = await startReceiver({ maxBodyBytes: 64 * 1024 });
		// 1. two cameras stream
		const good = (await FakeCamera.online(harness.ingestPort, "good")).camera;
		const bad = (await FakeCamera.online(harness.ingestPort, "bad")).camera;
		await streamOneFrame(good, "good", harness);
		await streamOneFrame(bad, "bad", harness);
		// 2. one of them breaks the protocol
		bad.socket.write(bytes());
		await bad.closed;
		// 3. exactly one line, naming the camera and the code
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)).toEqual([expect.objectContaining({ level: WARN, camera: "bad", code })]);
		expect(harness.receiver.status("bad")).toMatchObject({ online: false, lastError: code });
		// 4. the other camera is untouched
		expect(await streamOneFrame(good, "good", harness)).toBe(2);
		expect(harness.receiver.status("good")!.online).toBe(true);
		await good.close();
	});
});

describe("before the hello", () => {
	it("a frame is a protocol error, logged with the remote address", async () => {
		harness = await startReceiver();
		const camera = await FakeCamera.connect(harness.ingestPort);
		const local = camera.socket.localAddress + ":" + camera.socket.localPort;
		camera.frame(syntheticJpeg(100));
		await camera.closed;
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)[0]).toMatchObject({ level: WARN, remote: local, code: "XSCAM_ERR_NO_HELLO" });
		expect(closeLines(harness.lines)[0].camera).toBeUndefined();
	});

	it("nothing larger than the largest hello is buffered: a big frame header is refused on its 8 bytes", async () => {
		harness = await startReceiver();
		const camera = await FakeCamera.connect(harness.ingestPort);
		camera.socket.write(Buffer.from([0x58, 0x43, 0x01, 0x02, 0x00, 0x00, 0x80, 0x00])); // a 32 KiB frame, no body sent
		await camera.closed;
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)[0]).toMatchObject({ code: "XSCAM_ERR_TOO_LARGE" });
	});

	it("ids that would name a parent folder are refused", async () => {
		harness = await startReceiver();
		const camera = await FakeCamera.connect(harness.ingestPort);
		camera.socket.write(helloBytes(".."));
		await camera.closed;
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)[0]).toMatchObject({ code: "XSCAM_ERR_BAD_BODY" }); // the shared decoder's id rule
	});

	it("a connection that never says hello is closed after the hello timeout, not before", async () => {
		harness = await startReceiver({ helloTimeoutMs: 5000 });
		const camera = await FakeCamera.connect(harness.ingestPort);
		await until(() => harness.clock.pending === 1, "the hello timer");
		harness.clock.advance(4999);
		expect(camera.socket.destroyed).toBe(false);
		harness.clock.advance(1);
		await camera.closed;
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)[0]).toMatchObject({ level: WARN, code: "XSCAM_ERR_HELLO_TIMEOUT" });
	});
});

describe("silence", () => {
	it("pings every interval, and closes a camera silent for three intervals; any message counts as a sign of life", async () => {
		harness = await startReceiver({ pingIntervalMs: 1000 });
		const { camera } = await FakeCamera.online(harness.ingestPort, "quiet");
		// 1. two intervals: two pings, still open
		harness.clock.advance(2000);
		await camera.take("ping");
		const second = await camera.take("ping");
		// 2. a pong (or anything) resets the silence
		camera.send({ type: "pong", token: second.token });
		await streamOneFrame(camera, "quiet", harness); // after the pong on the same stream: both have landed
		harness.clock.advance(2000); // 2 s since the frame: still alive
		expect(camera.socket.destroyed).toBe(false);
		harness.clock.advance(1000); // 3 s of silence: closed
		await camera.closed;
		await until(() => closeLines(harness.lines).length === 1, "the close line");
		expect(closeLines(harness.lines)[0]).toMatchObject({ camera: "quiet", code: "XSCAM_ERR_SILENT" });
		expect(harness.receiver.status("quiet")!.online).toBe(false);
	});
});

describe("payloads", () => {
	it("a frame that is not a JPEG is counted as bad and dropped; the connection stays, one warning per connection", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "glitch");
		camera.frame(Buffer.from("not a jpeg"));
		camera.frame(Buffer.from("nor this"));
		await streamOneFrame(camera, "glitch", harness);
		const status = harness.receiver.status("glitch")!;
		expect(status.frames).toMatchObject({ received: 1, bad: 2 });
		expect(harness.lines.filter((line) => line.msg.includes("not a JPEG"))).toHaveLength(1);
		expect(camera.socket.destroyed).toBe(false);
		await camera.close();
	});

	it("a peer that hangs up is logged as an ordinary disconnect, not a warning", async () => {
		harness = await startReceiver();
		const { camera } = await FakeCamera.online(harness.ingestPort, "bye");
		await camera.close();
		await until(() => harness.receiver.status("bye")!.online === false, "offline");
		const line = harness.lines.find((candidate) => candidate.msg.startsWith("camera bye disconnected"))!;
		expect(line).toMatchObject({ level: 30, code: "closed" });
	});
});
