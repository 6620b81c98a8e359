// One channel's reassembly (server/ingest/frame-reassembly.ts): whole frames in order of number, nothing
// waiting for a lost piece, late and doubled pieces refused, memory bounded by the frames in progress
// and the body limit.

import { describe, expect, it } from "vitest";
import { FrameReassembly, FRAMES_IN_PROGRESS, REASSEMBLY_DEADLINE_MS } from "../../server/ingest/frame-reassembly";
import type { FrameDatagram } from "../../src/protocol/datagram";

const PIECE = 100;

/** The pieces of frame `seq`, whose body is `bytes` long and starts with its number, as a device cuts it. */
function pieces(seq: number, bytes = 250): FrameDatagram[] {
	const body = Buffer.alloc(bytes, seq & 0xff);
	body.writeUInt32BE(seq >>> 0, 0);
	const count = Math.ceil(bytes / PIECE);
	return Array.from({ length: count }, (_, index) => ({ channel: 1, seq, index, count, piece: body.subarray(index * PIECE, (index + 1) * PIECE) }));
}

function takeAll(reassembly: FrameReassembly, datagrams: FrameDatagram[], now = 0): (Uint8Array | undefined)[] {
	return datagrams.map((datagram) => reassembly.take(datagram, now));
}

describe("frame reassembly", () => {
	it("hands on a frame once its every piece came, in any order, as one body", () => {
		const reassembly = new FrameReassembly(1 << 20);
		const [a, b, c] = pieces(5);
		expect(takeAll(reassembly, [c, a])).toEqual([undefined, undefined]);
		const body = reassembly.take(b, 0)!;
		expect(Buffer.from(body).equals(Buffer.concat([a.piece, b.piece, c.piece]))).toBe(true);
		expect(reassembly).toMatchObject({ completed: 1, lost: 0, rejected: 0 });
	});

	it("gives up an incomplete frame once a newer one completes, counts it and any never seen as lost, and refuses their late pieces", () => {
		const reassembly = new FrameReassembly(1 << 20);
		const one = pieces(1);
		takeAll(reassembly, pieces(0));
		takeAll(reassembly, one.slice(1)); // frame 1 misses its first piece
		const four = takeAll(reassembly, pieces(4)); // 2 and 3 never came at all
		expect(four.at(-1)).toBeDefined();
		expect(reassembly).toMatchObject({ completed: 2, lost: 3 });
		expect(reassembly.take(one[0], 0)).toBeUndefined(); // too late: frame 4 went on already
		expect(takeAll(reassembly, pieces(4))).toEqual([undefined, undefined, undefined]); // a replay of a frame taken
		expect(reassembly.rejected).toBe(4);
	});

	it("refuses a piece twice, and one whose count disagrees with its frame's", () => {
		const reassembly = new FrameReassembly(1 << 20);
		const [a, b] = pieces(0);
		reassembly.take(a, 0);
		expect(reassembly.take(a, 0)).toBeUndefined();
		expect(reassembly.take({ ...b, count: 5 }, 0)).toBeUndefined();
		expect(reassembly.rejected).toBe(2);
	});

	it("keeps at most FRAMES_IN_PROGRESS frames, and none past the deadline", () => {
		const reassembly = new FrameReassembly(1 << 20);
		const started = Array.from({ length: FRAMES_IN_PROGRESS + 1 }, (_, seq) => pieces(seq));
		for (const frame of started) reassembly.take(frame[0], 0); // five frames begun: the first is given up
		expect(takeAll(reassembly, started[0].slice(1)).every((body) => body === undefined)).toBe(true);
		expect(takeAll(reassembly, started[1].slice(1)).at(-1)).toBeDefined(); // the second is still there
		const late = pieces(9);
		reassembly.take(late[0], 0);
		expect(takeAll(reassembly, late.slice(1), REASSEMBLY_DEADLINE_MS + 1).at(-1)).toBeUndefined(); // its start was dropped at the deadline
	});

	it("refuses a frame whose pieces add up to more than the body limit, or whose pieces are not cut evenly", () => {
		const small = new FrameReassembly(200);
		expect(takeAll(small, pieces(0, 250)).at(-1)).toBeUndefined();
		expect(small.rejected).toBe(1);
		const uneven = new FrameReassembly(1 << 20);
		const [a, b, c] = pieces(0, 250);
		expect(takeAll(uneven, [a, { ...b, piece: b.piece.subarray(0, 50) }, c]).at(-1)).toBeUndefined();
		expect(uneven).toMatchObject({ completed: 0, rejected: 1 });
	});

	it("numbers frames modulo 2^32: frame 0 after 2^32 - 1 is newer", () => {
		const reassembly = new FrameReassembly(1 << 20);
		expect(takeAll(reassembly, pieces(0xffffffff)).at(-1)).toBeDefined();
		expect(takeAll(reassembly, pieces(0)).at(-1)).toBeDefined();
		expect(reassembly).toMatchObject({ completed: 2, lost: 0 });
	});
});
