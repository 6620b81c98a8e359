// What a frame costs the engine, in computrons: XS's exact count of the bytecodes and library work of a
// crank, the same in every run on every machine (it is not time). One crank is one frame: the sensor's
// timer, the host camera's capture and onReadable, the firmware's read, pacing and sending, the host
// TCP's writes, and the frame's close. The receiver is in-process and deterministic, so the runs for two
// frame sizes go through the very same cranks (frames, watchdog ticks, stats, pings) side by side.
//
// The firmware never copies a JPEG in JS (design.md), so a frame's size must not change what it costs:
// a copy would cost 2 computrons per byte (TypedArray set), 20,480 for 10 KB. With a send buffer that
// holds a whole frame, a 10 KB and a 100 KB frame are written in the same pieces (header, JPEG), and
// their cranks cost exactly the same. With the ESP32's 8 KB send buffer a bigger frame takes more
// writes, each after its own onWritable, and the difference is exactly PER_WRITE per extra write:
// nothing grows with the bytes.

import { afterEach, expect, it } from "vitest";
import { bootRig, crankUntil, FRAME_INTERVAL, RECEIVER } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import type { XsDevice } from "./xs-device";

/**
 * A frame of 10 KB, the whole crank: 5,923 computrons in 3 writes when this was last measured (the
 * header, then the JPEG in 2 pieces through the 8 KB buffer), much of it the host modules and the
 * bridge to Node that stand in for the SDK's C code. The budget leaves about 8% for change; a copy of
 * the JPEG (20,480) or a loop over its bytes breaks it many times over.
 */
const FRAME_BUDGET = 6400;
/**
 * One more write of a piece: the host TCP's onWritable, the pipe's budget, the session's writer and
 * the frame schedule's view, the host TCP's write and the wire's acknowledgement (907 when last measured).
 */
const PER_WRITE_BUDGET = 1000;

const CRANKS = 100; // 5 s of streaming: 100 frames, 5 watchdog ticks, 2 or 3 stats, a ping
const WHOLE_FRAME_BUFFER = 128 * 1024;

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

async function streamFrames(frameBytes: number, tcpSendBuffer?: number): Promise<Run> {
	const receiver = new DecoderReceiver(RECEIVER);
	const { device } = await bootRig({ network: receiver, frameBytes, remember: false, tcpSendBuffer });
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

it("costs exactly the same for a 100 KB frame as for a 10 KB one: no JS copy of the JPEG", async () => {
	const [small, large] = await Promise.all([streamFrames(10 * 1024, WHOLE_FRAME_BUFFER), streamFrames(100 * 1024, WHOLE_FRAME_BUFFER)]);
	process.stderr.write("xs frame cost, send buffer " + WHOLE_FRAME_BUFFER + ": 10 KB " + mode(small.costs) + " computrons in " +
		mode(small.writes) + " writes, 100 KB " + mode(large.costs) + " in " + mode(large.writes) + " writes\n");
	expect(large.writes).toEqual(small.writes);
	expect(large.costs).toEqual(small.costs);
	expect(mode(small.costs)).toBeLessThanOrEqual(FRAME_BUDGET);
});

it("with the ESP32's 8 KB send buffer, costs more only by its extra writes, and stays within budget", async () => {
	const [small, large] = await Promise.all([streamFrames(10 * 1024), streamFrames(100 * 1024)]);
	const perFrame = mode(small.costs);
	const extraWrites = large.writes.map((writes, crank) => writes - small.writes[crank]);
	const perWrite = extraWrites[0] === 0 ? 0 : (large.costs[0] - small.costs[0]) / extraWrites[0];
	process.stderr.write("xs frame cost, send buffer 8192: 10 KB " + perFrame + " computrons in " + mode(small.writes) + " writes, 100 KB " +
		mode(large.costs) + " in " + mode(large.writes) + " writes (" + perWrite + " per write)\n");

	expect(large.costs.map((cost, crank) => cost - small.costs[crank])).toEqual(extraWrites.map((writes) => writes * perWrite));
	expect(perWrite).toBeLessThanOrEqual(PER_WRITE_BUDGET);
	expect(perFrame).toBeLessThanOrEqual(FRAME_BUDGET);
});
