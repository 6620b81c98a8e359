// Benchmark 6: how long the receiver's MJPEG fan-out takes to get a frame to every viewer, at 1, 100 and
// 1,000 viewers of one 25 fps camera, against a bare write loop of the same bytes to the same kind of
// sockets on the same receiver (the baseline: fan-out-latency-server.ts). The 1-viewer runs give the
// latency end to end on the host, from the camera's capture stamp to the viewer's last byte. Each kind
// and count runs REPETITIONS times, each run in fresh processes (fan-out-latency-run.ts), the baseline
// and xscam one after the other; the result is each measure's median over the repetitions. Wall clock
// and CPU: noisy, this machine only.

import { fileURLToPath } from "node:url";
import { runJsonChild } from "./child-json";
import type { LatencyServerKind } from "./fan-out-latency-server";
import { median } from "./stats";

export const LATENCY_VIEWER_COUNTS: readonly number[] = [1, 100, 1000];
export const LATENCY_REPETITIONS = 3;

/** Whether some viewer always comes last: every place is from 0 (first) to 1 (last), over the frames all the viewers received. */
export interface ViewerPositions {
	frames: number;
	/** The lowest and highest of the viewers' mean places: near 0.5 both when the order changes from frame to frame. */
	meanPlaceMin: number;
	meanPlaceMax: number;
	/** The share of the frames that the viewer most often last was last for: 1 when one viewer is always last. */
	mostOftenLastShare: number;
}

/** What one run measured, over its window (after the warm-up). */
export interface LatencyRun {
	kind: LatencyServerKind;
	viewers: number;
	frameBytes: number;
	fps: number;
	warmUpMs: number;
	windowMs: number;
	/** From a frame's publication on the receiver's frame bus to a viewer having its last byte, over every viewer's frames. */
	latencyP50Ms: number;
	latencyP99Ms: number;
	latencyMaxMs: number;
	/** The same for each frame's last viewer. */
	lastViewerP50Ms: number;
	lastViewerP99Ms: number;
	/** How long the publishing took (the receiver's thread handing the frame to every viewer's socket). */
	publishP50Ms: number;
	publishP99Ms: number;
	/** From the camera's stamp to the publication: the receiver's ingest (and the clocks' agreement). */
	cameraToBusP50Ms: number;
	/** From the camera's stamp to a viewer having the frame's last byte: end to end on the host. */
	ageP50Ms: number;
	ageP99Ms: number;
	positions: ViewerPositions;
	/** Whole frames per second each viewer received: the mean, and the slowest viewer's. */
	viewerFpsMean: number;
	viewerFpsMin: number;
	/** Frames per second the camera wrote, and frames it skipped because its socket was still busy. */
	cameraFps: number;
	cameraSkipped: number;
	serverCpuPercent: number;
	serverLoopDelayP99Ms: number;
	/** The camera's and the viewers' process, which shares the two cores. */
	loadCpuPercent: number;
}

export interface LatencyResult {
	viewers: number;
	/** The medians over the repetitions, measure by measure. */
	raw: LatencyRun;
	xscam: LatencyRun;
	runs: { raw: LatencyRun; xscam: LatencyRun }[];
}

const RUN = fileURLToPath(new URL("fan-out-latency-run.ts", import.meta.url));

/** Each numeric measure's median over `runs` (of one kind and count). */
function medianRun(runs: LatencyRun[]): LatencyRun {
	const of = (read: (run: LatencyRun) => number) => median(runs.map(read));
	const numbers = Object.fromEntries(Object.entries(runs[0]).map(([name, value]) =>
		[name, typeof value === "number" ? of((run) => run[name as keyof LatencyRun] as number) : value]));
	const positions = Object.fromEntries(Object.keys(runs[0].positions).map((name) =>
		[name, of((run) => run.positions[name as keyof ViewerPositions])])) as unknown as ViewerPositions;
	return { ...numbers, positions } as LatencyRun;
}

export async function benchFanOutLatency(counts: readonly number[] = LATENCY_VIEWER_COUNTS, repetitions = LATENCY_REPETITIONS): Promise<LatencyResult[]> {
	const results: LatencyResult[] = [];
	for (const viewers of counts) {
		const runs: LatencyResult["runs"] = [];
		for (let repetition = 0; repetition < repetitions; repetition++) {
			const raw = await runJsonChild<LatencyRun>(RUN, ["raw", String(viewers)]);
			const xscam = await runJsonChild<LatencyRun>(RUN, ["xscam", String(viewers)]);
			runs.push({ raw, xscam });
		}
		results.push({ viewers, runs, raw: medianRun(runs.map((pair) => pair.raw)), xscam: medianRun(runs.map((pair) => pair.xscam)) });
	}
	return results;
}
