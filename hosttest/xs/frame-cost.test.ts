// What a frame costs the engine, in computrons: XS's exact count of the bytecodes and library work of a
// crank, the same in every run on every machine (it is not time). One crank is one frame: the sensor's
// timer, the host camera's capture and onReadable, the firmware's read, pacing and sending, the host
// TCP's writes, and the frame's close. The receiver is in-process and deterministic, so the runs for two
// frame sizes go through the very same cranks (frames, watchdog ticks, stats, pings) side by side.
//
// The firmware never copies a JPEG in JS (design.md), so a frame's size must not change what it costs:
// a copy would cost 2 computrons per byte (TypedArray set), 20,480 for 10 KB. What does change with the
// size is how many pieces the frame is written in: tcp.ts has the ESP32's send buffer, SEND_BUFFER =
// 8192 bytes, and a write may not exceed it, so a 100 KB frame takes 13 writes where 10 KB takes 2,
// each after its own onWritable. So the rule asserted, crank by crank, is exact:
//   cost(100 KB) - cost(10 KB) = PER_WRITE * (writes(100 KB) - writes(10 KB)),
// with PER_WRITE the same in every crank, which leaves nothing that grows with the bytes. With a send
// buffer that holds a whole frame the writes are equal and so are the costs. (The board cannot set
// tcp.ts's SEND_BUFFER; docs/performance.md says what that would take.)

import { afterEach, expect, it } from "vitest";
import { bootRig, crankUntil, FRAME_INTERVAL, RECEIVER } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import type { XsDevice } from "./xs-device";

/**
 * A frame of 10 KB, the whole crank (in 3 writes: header, then the JPEG in 2 pieces): 5,998 computrons
 * when this was written, much of it the host modules and the bridge to Node that stand in for the SDK's
 * C code. The budget leaves about 8% for change; a copy of the JPEG (20,480) or a loop over its bytes
 * breaks it many times over.
 */
const FRAME_BUDGET = 6500;
/**
 * One more write of a piece: the sender's pump and view, the host TCP's write, the bridge call, the
 * wire's acknowledgement and the onWritable it brings (1,004 when this was written).
 */
const PER_WRITE_BUDGET = 1100;

const CRANKS = 100; // 5 s of streaming: 100 frames, 5 watchdog ticks, 2 or 3 stats, a ping

const devices: XsDevice[] = [];

afterEach(async () => {
	const stderrs = await Promise.all(devices.map((device) => device.close()));
	devices.length = 0;
	expect(stderrs.join("")).toBe("");
});

interface Run {
	/** Computrons of each crank. */
	costs: number[];
	/** write() calls the firmware made in each crank. */
	writes: number[];
}

async function streamFrames(frameBytes: number): Promise<Run> {
	const receiver = new DecoderReceiver(RECEIVER);
	const { device } = await bootRig({ network: receiver, frameBytes, remember: false });
	devices.push(device);
	await crankUntil(device, () => receiver.frameCount > 0, 100);
	const run: Run = { costs: [], writes: [] };
	for (let crank = 0; crank < CRANKS; crank++) {
		const writes = receiver.writes;
		const frames = receiver.frameCount;
		run.costs.push((await device.advance(FRAME_INTERVAL)).compute);
		run.writes.push(receiver.writes - writes);
		expect(receiver.frameCount).toBe(frames + 1); // one frame per crank, sent whole
	}
	return run;
}

/** The value most cranks have: the cost of a crank that only moves a frame. */
function mode(values: number[]): number {
	const counts = new Map<number, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

it("costs the same computrons in every run", async () => {
	const [first, second] = await Promise.all([streamFrames(10_240), streamFrames(10_240)]);
	expect(second.costs).toEqual(first.costs);
});

it("costs no more for 100 KB than for 10 KB but for the extra writes, and stays within budget", async () => {
	const [small, large] = await Promise.all([streamFrames(10 * 1024), streamFrames(100 * 1024)]);
	const perFrame = mode(small.costs);
	const extraWrites = large.writes.map((writes, crank) => writes - small.writes[crank]);
	const perWrite = extraWrites[0] === 0 ? 0 : (large.costs[0] - small.costs[0]) / extraWrites[0];
	process.stderr.write("xs frame cost: 10 KB " + perFrame + " computrons in " + mode(small.writes) + " writes, 100 KB " +
		mode(large.costs) + " in " + mode(large.writes) + " writes (" + perWrite + " per write)\n");

	expect(large.costs.map((cost, crank) => cost - small.costs[crank])).toEqual(extraWrites.map((writes) => writes * perWrite));
	expect(perWrite).toBeLessThanOrEqual(PER_WRITE_BUDGET);
	expect(perFrame).toBeLessThanOrEqual(FRAME_BUDGET);
});
