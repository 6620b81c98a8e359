// The frame schedule sending as datagrams (session/frame-schedule.ts with session/datagram-sender.ts):
// each frame at once, in as many datagrams as its size takes, closed exactly once on every path: sent,
// ahead of the pace, too large, refused by the socket (lost, the next may go), or a bug (thrown on).

import { describe, expect, it } from "vitest";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import { createHmac } from "node:crypto";
import { channelOf } from "../../src/protocol/datagram";
import { DatagramSender, type DatagramSocket } from "../../src/session/datagram-sender";
import { FrameSchedule } from "../../src/session/frame-schedule";

function frame(bytes: number): DisposableFrame & { closes: number } {
	const buffer = new ArrayBuffer(bytes) as DisposableFrame & { closes: number };
	buffer.closes = 0;
	buffer.close = () => void buffer.closes++;
	return buffer;
}

function schedule(write: DatagramSocket["write"]) {
	const frames = new FrameSchedule(320, 240);
	frames.open(0, 1 << 20);
	const io = { open: () => ({ write, close() {} }), mac: (key: Uint8Array) => (input: Uint8Array) => createHmac("sha256", key).update(input).digest() };
	frames.sendAsDatagrams(new DatagramSender(io, "192.168.1.10", { type: "datagrams", port: 8700, channel: 7, datagramBytes: 1472 }, new Uint8Array(32), 0));
	return frames;
}

describe("frames as datagrams on the device", () => {
	it("sends each frame at once, in datagrams of at most 1472 bytes, and closes it", () => {
		const sent: Uint8Array[] = [];
		const frames = schedule((buffer, address, port) => {
			expect([address, port]).toEqual(["192.168.1.10", 8700]);
			sent.push(buffer.slice());
		});
		const one = frame(5000);
		expect(frames.offer(one, 0)).toBe(false); // nothing waits
		expect(sent.map((datagram) => datagram.byteLength)).toEqual([1472, 1472, 1472, 5016 - 3 * 1440 + 32]);
		expect(sent.every((datagram) => channelOf(datagram) === 7)).toBe(true);
		expect([one.closes, frames.sent, frames.dropped]).toEqual([1, 1, 0]);
	});

	it("loses a frame the socket refuses, and goes on with the next", () => {
		let refuse = true;
		const frames = schedule(() => {
			if (refuse) throw new Error("UDP send failed");
		});
		const lost = frame(3000);
		frames.offer(lost, 0);
		refuse = false;
		const next = frame(3000);
		frames.offer(next, 100);
		expect([lost.closes, next.closes, frames.sent, frames.dropped]).toEqual([1, 1, 1, 1]);
	});

	it("throws on what is not a socket's refusal, the frame closed all the same", () => {
		const frames = schedule(() => {
			throw new TypeError("a bug");
		});
		const one = frame(3000);
		expect(() => frames.offer(one, 0)).toThrow("a bug");
		expect(one.closes).toBe(1);
	});

	it("closes unsent a frame too large for the receiver", () => {
		const frames = new FrameSchedule(320, 240);
		frames.open(0, 1000);
		const io = { open: () => ({ write() { throw new Error("not sent"); }, close() {} }), mac: () => () => new Uint8Array(32) };
		frames.sendAsDatagrams(new DatagramSender(io, "192.168.1.10", { type: "datagrams", port: 8700, channel: 7, datagramBytes: 1472 }, new Uint8Array(32), 0));
		const big = frame(2000);
		frames.offer(big, 0);
		expect([big.closes, frames.sent, frames.dropped]).toEqual([1, 0, 1]);
	});
});
