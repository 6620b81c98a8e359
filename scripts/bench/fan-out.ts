// Benchmark 2: the receiver's MJPEG fan-out with a viewer that stopped reading, against a naive relay
// (naive-relay.ts). Each server runs in its own process (fan-out-run.ts), one after the other, so they do
// not share a heap or compete for the two cores. These are wall-clock and memory numbers: they vary with
// the machine and its load, unlike the computrons of benchmark 1.

import { fileURLToPath } from "node:url";
import { runJsonChild } from "./child-json";

export type ServerKind = "xscam" | "naive";

/** What one run measured, over its window (after the warm-up). */
export interface FanOutRun {
	kind: ServerKind;
	frameBytes: number;
	/** The camera's rate. */
	fps: number;
	/** Unmeasured, then measured. */
	warmUpMs: number;
	windowMs: number;
	/** Frames the camera wrote during the whole run, and frames it skipped because its socket was still busy. */
	cameraSent: number;
	cameraSkipped: number;
	/** Whole frames per second the reading viewer received. */
	fastFps: number;
	/** Median ms from a frame's capture to the reading viewer having all of it. */
	fastMedianAgeMs: number;
	/** Whether the server still had the stalled viewer at the end. */
	stalledConnected: boolean;
	/** Bytes the server held in the stalled viewer's socket (writableLength) at the end, and at most, sampled every 100 ms. */
	queuedAtEnd: number;
	maxQueued: number;
	/** Growth over the window of the process's live memory (V8 heap used plus Buffers), each read after a full gc(). */
	liveGrowth: number;
}

const RUN = fileURLToPath(new URL("fan-out-run.ts", import.meta.url));

function runIn(kind: ServerKind): Promise<FanOutRun> {
	return runJsonChild<FanOutRun>(RUN, [kind], ["--expose-gc"]);
}

export async function benchFanOut(): Promise<{ xscam: FanOutRun; naive: FanOutRun }> {
	const xscam = await runIn("xscam");
	const naive = await runIn("naive");
	return { xscam, naive };
}
