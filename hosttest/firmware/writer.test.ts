// The session's writer on its own (session/writer.ts with its frame schedule and outbox), against a pipe
// that records writes and enforces "would block": latest frame wins, at most one frame in flight, the
// JPEG goes out as the camera's own buffer, small messages never land inside a frame, nothing but the
// hello, the auth and the capabilities goes before the welcome, and every frame is closed exactly once.

import { describe, expect, it, vi } from "vitest";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { FRAME_HEADER_BYTES } from "../../src/protocol/constants";
import type { DeviceMessage } from "../../src/protocol/types";
import { FrameSchedule } from "../../src/session/frame-schedule";
import { Writer } from "../../src/session/writer";
import { RecordPipe, StreamPipe, type Records, type StreamCallbacks } from "../../src/transport/pipe";
import { TLS_RECORDS } from "../../src/transport/tls-pipe";

function frame(fill: number, length = 1000): DisposableFrame & { close: ReturnType<typeof vi.fn> } {
	const buffer = new Uint8Array(length).fill(fill).buffer;
	return Object.assign(buffer, { camera: undefined as never, close: vi.fn() });
}

/**
 * A stream socket that records writes and enforces "would block" as the SDK's does, under the real pipe
 * (transport/pipe.ts). The test gives it room: `claimed` is what its onWritable reports, `free` what it
 * really takes, which may be less. With `records` (TLS's), each write is one record: at most
 * `records.size` bytes ("too large" past it), costing `records.overhead` bytes more of the room.
 */
function pipe(records?: Records) {
	const writes: (ArrayBuffer | Uint8Array)[] = []; // copies: the header buffer is reused
	const originals: (ArrayBuffer | Uint8Array)[] = []; // what write() was given
	let free = 0;
	let callbacks: StreamCallbacks | undefined;
	const socket = {
		write(data: ArrayBuffer | Uint8Array) {
			const cost = data.byteLength + (records?.overhead ?? 0);
			if (records && data.byteLength > records.size) throw new Error("too large");
			if (cost > free) throw new Error("would block");
			free -= cost;
			writes.push(data instanceof Uint8Array ? data.slice() : data);
			originals.push(data);
			return free;
		},
		read: () => undefined,
		close() {},
	};
	const open = (given: StreamCallbacks) => {
		callbacks = given;
		return socket;
	};
	const options = { address: "10.0.0.1", port: 1, host: "10.0.0.1", onWritable() {}, onReadable() {}, onError() {} };
	const real = records ? new RecordPipe(open, options, records) : new StreamPipe(open, options);
	return Object.assign(real, {
		writes,
		originals,
		give(count: number, claimed = count) {
			free = count;
			callbacks!.onWritable(claimed);
		},
		decoded(): DeviceMessage[] {
			const messages: DeviceMessage[] = [];
			const decoder = new Decoder<DeviceMessage>({ from: "device", maxBodyBytes: 1 << 20, onMessage: (message) => messages.push(message.type === "frame" ? { ...message, jpeg: message.jpeg.slice() } : message) });
			for (const data of writes) decoder.push(new Uint8Array(data));
			return messages;
		},
	});
}

const HELLO = encode({ type: "hello", flags: 0, id: "cam", firmware: "t", board: "b", sensor: "s", width: 320, height: 240 });

/** A writer attached to a fake pipe, its hello posted, welcomed with frames allowed up to `maxBodyBytes`. */
function streaming(maxBodyBytes = 1 << 20, records?: Records) {
	const failures = vi.fn();
	const frames = new FrameSchedule(320, 240);
	const writer = new Writer(frames, failures);
	const fake = pipe(records);
	writer.attach(fake);
	writer.post("hello", HELLO);
	frames.open(0, maxBodyBytes);
	writer.welcome();
	/** What the session does with a camera frame. */
	const offer = (frame: DisposableFrame, time: number) => {
		if (frames.offer(frame, time)) writer.pump();
	};
	/** The pipe reports space for `count` bytes (it takes `takes`, which may be less). */
	const writable = (count: number, takes = count) => {
		fake.give(takes, count);
		writer.pump();
	};
	return { writer, frames, fake, failures, writable, offer };
}

describe("the session's writer over TLS records", () => {
	it("never gives the TLS socket more than a record, nor more than its room with every record's overhead", () => {
		const { offer, fake, writable, failures, writer, frames } = streaming(1 << 20, TLS_RECORDS);
		const rooms = [TLS_RECORDS.overhead + 31, 1_000, 8_192, 40_000]; // the first: 31 bytes a turn
		for (const [index, room] of rooms.entries()) {
			offer(frame(index + 1, 40_000), 0); // more than two records
			writer.post("pong", encode({ type: "pong", token: room }));
			for (let turn = 0; turn < 10_000 && frames.sent === index; turn++) writable(room); // the fake throws at the first overrun
		}
		expect(failures).not.toHaveBeenCalled();
		expect(Math.max(...fake.writes.map((data) => data.byteLength))).toBe(TLS_RECORDS.size);
		const sent = fake.decoded();
		expect(sent.filter((message) => message.type === "frame").map((message) => message.type === "frame" && message.jpeg[0])).toEqual([1, 2, 3, 4]);
		expect(sent.filter((message) => message.type === "pong")).toHaveLength(4);
	});
});

describe("the session's writer", () => {
	it("keeps the newest frame while one is in flight, and closes the one it replaces", () => {
		const { offer, frames, fake, writable } = streaming();
		const [a, b, c] = [frame(1), frame(2), frame(3)];
		writable(HELLO.byteLength + FRAME_HEADER_BYTES + 500); // room for the hello and half of a
		offer(a, 1);
		offer(b, 2); // waits
		offer(c, 3); // replaces b
		expect(b.close).toHaveBeenCalledTimes(1);
		expect(a.close).not.toHaveBeenCalled(); // still in flight
		expect(frames.dropped).toBe(1);

		writable(10_000);
		const sent = fake.decoded().filter((message) => message.type === "frame");
		expect(sent.map((message) => message.type === "frame" && message.jpeg[0])).toEqual([1, 3]);
		expect([a.close.mock.calls.length, b.close.mock.calls.length, c.close.mock.calls.length]).toEqual([1, 1, 1]);
		expect(frames.sent).toBe(2);
	});

	it("writes the camera's buffer itself when it fits, and views of it when it must split", () => {
		const { offer, fake, writable } = streaming();
		const whole = frame(7, 100);
		writable(10_000);
		offer(whole, 0);
		expect(fake.originals).toContain(whole); // no copy: the very buffer the camera gave

		const split = frame(8, 1000);
		writable(FRAME_HEADER_BYTES + 400);
		offer(split, 0);
		const piece = fake.originals[fake.originals.length - 1] as Uint8Array;
		expect(piece.buffer).toBe(split); // a view of the camera's buffer, not a copy
		expect([piece.byteOffset, piece.byteLength]).toEqual([0, 400]);
	});

	it("sends pongs, results and stats between frames, never inside one", () => {
		const { writer, offer, fake, writable } = streaming();
		writable(HELLO.byteLength + 10);
		offer(frame(1), 0); // header partly written
		writer.post("pong", encode({ type: "pong", token: 9 }));
		writer.post("stats", encode({ type: "stats", uptime: 1, captured: 1, sent: 0, dropped: 0, reconnects: 0, fps: 0, rssi: -50, freeHeap: 1 }));
		for (let i = 0; i < 40; i++) writable(37); // an awkward window that splits everything
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello", "frame", "pong", "stats"]);
	});

	it("sends only the hello and the capabilities before the welcome, and no frame", () => {
		const frames = new FrameSchedule(320, 240);
		const writer = new Writer(frames, vi.fn());
		const fake = pipe();
		writer.attach(fake);
		writer.post("pong", encode({ type: "pong", token: 1 }));
		writer.post("hello", HELLO);
		writer.post("capabilities", encode({ type: "capabilities", controls: [] }));
		const early = frame(5);
		if (frames.offer(early, 0)) writer.pump();
		fake.give(10_000);
		writer.pump();
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello", "capabilities"]);
		expect(early.close).toHaveBeenCalledTimes(1); // offered before the welcome: dropped, not kept
		frames.open(0, 1 << 20);
		writer.welcome();
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello", "capabilities", "pong"]);
	});

	it("drops a frame larger than the receiver accepts instead of sending it", () => {
		const { offer, frames, fake, writable } = streaming(500);
		const big = frame(1, 600);
		writable(10_000);
		offer(big, 0);
		expect(big.close).toHaveBeenCalledTimes(1);
		expect(frames.dropped).toBe(1);
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello"]);
	});

	it("closes every frame it holds when the connection goes, and drops frames offered while not streaming", () => {
		const { writer, offer, writable } = streaming();
		const [a, b] = [frame(1), frame(2)];
		writable(HELLO.byteLength + 100);
		offer(a, 0);
		offer(b, 0);
		writer.detach();
		expect([a.close.mock.calls.length, b.close.mock.calls.length]).toEqual([1, 1]);
		const late = frame(3);
		offer(late, 0);
		expect(late.close).toHaveBeenCalledTimes(1);
	});

	it("reports a write that throws, so the connection is dropped rather than the device, and the session's detach closes its frames", () => {
		const { writer, offer, failures, writable } = streaming();
		const [a, b] = [frame(1), frame(2)];
		offer(a, 0);
		offer(b, 0); // a starts when there is room; b waits
		writable(100, 5); // the pipe has less room than it said
		expect(failures).toHaveBeenCalledTimes(1);
		writer.detach(); // what the session does on that failure
		expect([a.close.mock.calls.length, b.close.mock.calls.length]).toEqual([1, 1]);
	});

	it("keeps only the newest pong and the newest stats waiting, and sends them in their priority order", () => {
		const { writer, fake, writable } = streaming();
		const stats = (uptime: number) => encode({ type: "stats", uptime, captured: 0, sent: 0, dropped: 0, reconnects: 0, fps: 0, rssi: undefined, freeHeap: undefined });
		writer.post("stats", stats(1));
		writer.post("pong", encode({ type: "pong", token: 1 }));
		writer.post("stats", stats(2));
		writer.post("pong", encode({ type: "pong", token: 2 }));
		writable(10_000);
		expect(fake.decoded().slice(1)).toMatchObject([{ type: "pong", token: 2 }, { type: "stats", uptime: 2 }]);
	});

	it("refuses a ninth control result waiting to be sent", () => {
		const { writer } = streaming();
		const result = encode({ type: "controlResult", requestId: 1, applied: {}, pending: {}, refused: {} });
		for (let i = 0; i < 8; i++) expect(writer.post("controlResult", result)).toBe(true);
		expect(writer.post("controlResult", result)).toBe(false);
	});
});
