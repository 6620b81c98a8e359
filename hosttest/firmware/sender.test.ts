// The sender on its own, against a socket that records writes and enforces "would block": latest frame
// wins, at most one frame in flight, the JPEG goes out as the camera's own buffer, small messages never
// land inside a frame, and every frame is closed exactly once.

import { describe, expect, it, vi } from "vitest";
import type TCP from "embedded:io/socket/tcp";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { FRAME_HEADER_BYTES } from "../../src/protocol/constants";
import type { DeviceMessage } from "../../src/protocol/types";
import { Sender } from "../../src/transport/sender";

function frame(fill: number, length = 1000): DisposableFrame & { close: ReturnType<typeof vi.fn> } {
	const buffer = new Uint8Array(length).fill(fill).buffer;
	return Object.assign(buffer, { camera: undefined as never, close: vi.fn() });
}

function socket() {
	const writes: (ArrayBuffer | Uint8Array)[] = []; // copies: the header buffer is reused
	const originals: (ArrayBuffer | Uint8Array)[] = []; // what write() was given
	let free = 0;
	const fake = {
		writes,
		originals,
		give(count: number) { free = count; },
		write(data: ArrayBuffer | Uint8Array) {
			if (data.byteLength > free) throw new Error("would block");
			free -= data.byteLength;
			writes.push(data instanceof Uint8Array ? data.slice() : data);
			originals.push(data);
			return free;
		},
		decoded(): DeviceMessage[] {
			const messages: DeviceMessage[] = [];
			const decoder = new Decoder<DeviceMessage>({ from: "device", maxBodyBytes: 1 << 20, onMessage: (message) => messages.push(message.type === "frame" ? { ...message, jpeg: message.jpeg.slice() } : message) });
			for (const data of writes) decoder.push(new Uint8Array(data));
			return messages;
		},
	};
	return fake;
}

const HELLO = encode({ type: "hello", flags: 0, id: "cam", firmware: "t", board: "b", sensor: "s", width: 320, height: 240 });

function streaming() {
	const failures = vi.fn();
	const sender = new Sender(320, 240, failures);
	const fake = socket();
	sender.attach(fake as unknown as TCP, HELLO);
	sender.startFrames(0, 1 << 20);
	return { sender, fake, failures };
}

describe("Sender", () => {
	it("keeps the newest frame while one is in flight, and closes the one it replaces", () => {
		const { sender, fake } = streaming();
		const [a, b, c] = [frame(1), frame(2), frame(3)];
		fake.give(HELLO.byteLength + FRAME_HEADER_BYTES + 500); // room for the hello and half of a
		sender.writable(HELLO.byteLength + FRAME_HEADER_BYTES + 500);
		sender.offer(a, 1);
		sender.offer(b, 2); // waits
		sender.offer(c, 3); // replaces b
		expect(b.close).toHaveBeenCalledTimes(1);
		expect(a.close).not.toHaveBeenCalled(); // still in flight
		expect(sender.dropped).toBe(1);

		fake.give(10_000);
		sender.writable(10_000);
		const frames = fake.decoded().filter((message) => message.type === "frame");
		expect(frames.map((message) => message.type === "frame" && message.jpeg[0])).toEqual([1, 3]);
		expect([a.close.mock.calls.length, b.close.mock.calls.length, c.close.mock.calls.length]).toEqual([1, 1, 1]);
		expect(sender.sent).toBe(2);
	});

	it("writes the camera's buffer itself when it fits, and views of it when it must split", () => {
		const { sender, fake } = streaming();
		const whole = frame(7, 100);
		fake.give(10_000);
		sender.writable(10_000);
		sender.offer(whole, 0);
		expect(fake.originals).toContain(whole); // no copy: the very buffer the camera gave

		const split = frame(8, 1000);
		fake.give(FRAME_HEADER_BYTES + 400);
		sender.writable(FRAME_HEADER_BYTES + 400);
		sender.offer(split, 0);
		const piece = fake.originals[fake.originals.length - 1] as Uint8Array;
		expect(piece.buffer).toBe(split); // a view of the camera's buffer, not a copy
		expect([piece.byteOffset, piece.byteLength]).toEqual([0, 400]);
	});

	it("sends pongs, results and stats between frames, never inside one", () => {
		const { sender, fake } = streaming();
		fake.give(HELLO.byteLength + 10);
		sender.writable(HELLO.byteLength + 10);
		sender.offer(frame(1), 0); // header partly written
		sender.pong(encode({ type: "pong", token: 9 }));
		sender.stats(encode({ type: "stats", uptime: 1, captured: 1, sent: 0, dropped: 0, reconnects: 0, fps: 0, rssi: -50, freeHeap: 1 }));
		for (let i = 0; i < 40; i++) {
			fake.give(37); // an awkward window that splits everything
			sender.writable(37);
		}
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello", "frame", "pong", "stats"]);
	});

	it("drops a frame larger than the receiver accepts instead of sending it", () => {
		const { sender, fake } = streaming();
		sender.startFrames(0, 500);
		const big = frame(1, 600);
		fake.give(10_000);
		sender.writable(10_000);
		sender.offer(big, 0);
		expect(big.close).toHaveBeenCalledTimes(1);
		expect(sender.dropped).toBe(1);
		expect(fake.decoded().map((message) => message.type)).toEqual(["hello"]);
	});

	it("closes every frame it holds when the connection goes, and drops frames offered while not streaming", () => {
		const { sender, fake } = streaming();
		const [a, b] = [frame(1), frame(2)];
		fake.give(HELLO.byteLength + 100);
		sender.writable(HELLO.byteLength + 100);
		sender.offer(a, 0);
		sender.offer(b, 0);
		sender.detach();
		expect([a.close.mock.calls.length, b.close.mock.calls.length]).toEqual([1, 1]);
		const late = frame(3);
		sender.offer(late, 0);
		expect(late.close).toHaveBeenCalledTimes(1);
	});

	it("reports a write that throws, so the connection is dropped rather than the device", () => {
		const { sender, fake, failures } = streaming();
		fake.give(5); // the socket has less room than it said
		sender.writable(100);
		expect(failures).toHaveBeenCalledTimes(1);
	});

	it("refuses a ninth control result waiting to be sent", () => {
		const { sender } = streaming();
		const result = encode({ type: "controlResult", requestId: 1, applied: {}, pending: {}, refused: {} });
		for (let i = 0; i < 8; i++) expect(sender.result(result)).toBe(true);
		expect(sender.result(result)).toBe(false);
	});
});
