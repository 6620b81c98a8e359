// Benchmark 8: many cameras at a camera's rate. Thousands of TCP connections, each sending ~42 KB
// frames at 10 frames/s (paced-cameras.ts, in a process of its own), against a server that only counts
// the bytes (byte-sink.ts) and against the receiver, each in a fresh process, side by side in the same
// invocation. What it asks of the receiver: every frame taken (a camera's frames lost are frames it had
// to skip, or that never arrived), its event loop on time, and its memory. Wall clock and CPU: noisy,
// this machine only.

import { fileURLToPath } from "node:url";
import { cpuPercent } from "./forked";
import { FRAME_BYTES, JPEG_BYTES, measureLoad, type IngestTarget } from "./ingest";
import type { PacedReport } from "./paced-cameras";
import type { ReceiverReport } from "./receiver-process";

export const CAMERA_COUNTS: readonly number[] = [500, 1000, 2000, 3000]; // 3,072 is the default --max-cameras on this machine (24 GiB, frames up to 1 MiB)
export const CAMERA_FPS = 10;
/** Long enough for every connection to have sent a few frames at its pace, and for the first collections. */
export const WARM_UP_MS = 3000;
export const WINDOW_MS = 10_000;

const PACED = fileURLToPath(new URL("paced-cameras.ts", import.meta.url));

export interface ManyCamerasSample {
	target: IngestTarget;
	cameras: number;
	/** Frames the cameras' turns came for in the window. */
	due: number;
	/** Of those, frames the cameras skipped: the kernel had not taken their last one yet. */
	skipped: number;
	/** Frames taken: the receiver's count, or the sink's bytes over the frame's size. */
	taken: number;
	/** Frames missing from the cameras' sequence numbers, as the receiver counted them (skipped ones included; the sink counts none). */
	lostAtReceiver: number;
	/** Frames lost, of those due: the skipped ones, and for the receiver any other gap it counted (TCP loses nothing else). */
	lossShare: number;
	/** Frames due but neither skipped nor taken when the window closed: in flight or waiting to be read (the window's start has its own). */
	behind: number;
	/** Capture to arrival of each camera's latest frame, at the window's end, over the cameras (receiver only). */
	latencyP50Ms: number;
	latencyP99Ms: number;
	megabytesPerSecond: number;
	cpuPercent: number;
	loadCpuPercent: number;
	loopDelayP99Ms: number;
	loadLoopDelayP99Ms: number;
	rssBytes: number;
}

async function sample(target: IngestTarget, cameras: number): Promise<ManyCamerasSample> {
	const { report, bytes, loadReport } = await measureLoad<PacedReport>(target, {
		script: PACED, args: (port, mode) => [String(port), String(cameras), mode, String(JPEG_BYTES), String(CAMERA_FPS)],
		warmUpMs: WARM_UP_MS, windowMs: WINDOW_MS,
	});
	const taken = bytes / FRAME_BYTES;
	const receiver = target === "receiver" ? report as ReceiverReport : undefined;
	const lostAtReceiver = receiver?.lost ?? 0;
	return {
		target, cameras, due: loadReport.due, skipped: loadReport.skipped, taken, lostAtReceiver,
		lossShare: Math.max(loadReport.skipped, lostAtReceiver) / loadReport.due,
		behind: loadReport.due - loadReport.skipped - taken,
		latencyP50Ms: receiver?.latencyP50Ms ?? NaN, latencyP99Ms: receiver?.latencyP99Ms ?? NaN,
		megabytesPerSecond: bytes / 1e6 / (report.wallMs / 1000),
		cpuPercent: cpuPercent(report.cpuMs, report.wallMs), loadCpuPercent: cpuPercent(loadReport.cpuMs, loadReport.wallMs),
		loopDelayP99Ms: report.loopDelayP99Ms, loadLoopDelayP99Ms: loadReport.loopDelayP99Ms, rssBytes: report.rssBytes,
	};
}

export type ManyCamerasResult = { sink: ManyCamerasSample; receiver: ManyCamerasSample }[];

/** For each count, the sink and then the receiver. */
export async function benchManyCameras(): Promise<ManyCamerasResult> {
	const results: ManyCamerasResult = [];
	for (const cameras of CAMERA_COUNTS) results.push({ sink: await sample("sink", cameras), receiver: await sample("receiver", cameras) });
	return results;
}
