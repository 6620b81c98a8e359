// Benchmark 4: how fast the receiver takes frames, against a TCP server that only counts bytes
// (byte-sink.ts), from the same load (frame-flood.ts: 1 or 50 cameras sending ~42 KB frames as fast as
// their sockets drain), side by side in the same invocation: for each count and repetition, the sink
// and then the receiver, each in a fresh process. Wall clock and CPU: noisy, this machine only.

import { once } from "node:events";
import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { FRAME_HEADER_BYTES } from "../../src/protocol/constants";
import type { SinkReport, SinkStarted } from "./byte-sink";
import type { FloodReport } from "./frame-flood";
import type { LoadMode } from "./load-connections";
import { cpuPercent, forkScript, nextMessage } from "./forked";
import type { MeasureCommand, ProcessReport } from "./measured-process";
import type { ReceiverReport, ReceiverStarted } from "./receiver-process";
import { median } from "./stats";

export const INGEST_CAMERAS: readonly number[] = [1, 50];
export const REPETITIONS = 3;
export const JPEG_BYTES = 42 * 1024; // a VGA frame of the OV2640 at its default quality, roughly
export const FRAME_BYTES = FRAME_HEADER_BYTES + JPEG_BYTES;
/** Connections, the kernel's socket buffers filling, the JIT: none of it is measured. */
export const WARM_UP_MS = 1000;
export const WINDOW_MS = 3000;

export type IngestTarget = "sink" | "receiver";

/** One side's measures over one window. */
export interface IngestSample {
	/** Bytes of frames (headers included) per second taken by the sink or the receiver. */
	megabytesPerSecond: number;
	framesPerSecond: number;
	/** CPU of the sink's or the receiver's process, % of one core. */
	cpuPercent: number;
	/** CPU of the load's process, % of one core: near 100, the load, not the side measured, set the pace. */
	loadCpuPercent: number;
}

/** The medians over the repetitions, and every sample. */
export interface IngestResult {
	cameras: number;
	sink: IngestSample;
	receiver: IngestSample;
	/** The median over the repetitions of each repetition's receiver/sink ratio of MB/s. */
	ratio: number;
	samples: { sink: IngestSample; receiver: IngestSample }[];
}

const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const SINK = script("byte-sink.ts");
const RECEIVER = script("receiver-process.ts");
const FLOOD = script("frame-flood.ts");

/** Starts the side measured; resolves with its process, the port the load goes to, and how to read bytes from its report. */
async function startTarget(target: IngestTarget): Promise<{ child: ChildProcess; port: number; mode: LoadMode; bytesOf(report: ProcessReport): number }> {
	if (target === "sink") {
		const child = forkScript(SINK);
		const { port } = await nextMessage<SinkStarted>(child);
		return { child, port, mode: "raw", bytesOf: (report) => (report as SinkReport).bytes };
	}
	const child = forkScript(RECEIVER);
	const { ports } = await nextMessage<ReceiverStarted>(child);
	return { child, port: ports.ingestPort, mode: "hello", bytesOf: (report) => (report as ReceiverReport).frames * FRAME_BYTES };
}

/** A load's process (frame-flood.ts, paced-cameras.ts): it sends one message once its cameras are connected. */
export interface LoadSpec {
	script: string;
	args(port: number, mode: LoadMode): string[];
	warmUpMs: number;
	windowMs: number;
}

/**
 * Runs a load against a fresh sink or receiver; both count over one window after the warm-up. Throws if
 * the side measured closed any of the load's connections.
 */
export async function measureLoad<Load extends { closedByPeer: number } & ProcessReport>(target: IngestTarget, load: LoadSpec): Promise<{ report: ProcessReport; bytes: number; loadReport: Load }> {
	const { child, port, mode, bytesOf } = await startTarget(target);
	const loader = forkScript(load.script, load.args(port, mode));
	await nextMessage<unknown>(loader);
	await sleep(load.warmUpMs);
	const both = (command: MeasureCommand) => [child, loader].forEach((process) => process.send(command));
	both("measure");
	await sleep(load.windowMs);
	const reports = [nextMessage<ProcessReport>(child), nextMessage<Load>(loader)] as const;
	both("report");
	const [report, loadReport] = await Promise.all(reports);
	for (const process of [loader, child]) { // the load first: the side measured must not see it close
		process.disconnect();
		await once(process, "exit");
	}
	if (loadReport.closedByPeer > 0) throw new Error("bench: the " + target + " closed " + loadReport.closedByPeer + " of the load's connections");
	return { report, bytes: bytesOf(report), loadReport };
}

async function sample(target: IngestTarget, cameras: number): Promise<IngestSample> {
	const { report, bytes, loadReport } = await measureLoad<FloodReport>(target, {
		script: FLOOD, args: (port, mode) => [String(port), String(cameras), mode, String(JPEG_BYTES)], warmUpMs: WARM_UP_MS, windowMs: WINDOW_MS,
	});
	const bytesPerSecond = bytes / (report.wallMs / 1000);
	return {
		megabytesPerSecond: bytesPerSecond / 1e6, framesPerSecond: bytesPerSecond / FRAME_BYTES,
		cpuPercent: cpuPercent(report.cpuMs, report.wallMs), loadCpuPercent: cpuPercent(loadReport.cpuMs, loadReport.wallMs),
	};
}

function medianSample(samples: IngestSample[]): IngestSample {
	const of = (read: (sample: IngestSample) => number) => median(samples.map(read));
	return {
		megabytesPerSecond: of((s) => s.megabytesPerSecond), framesPerSecond: of((s) => s.framesPerSecond),
		cpuPercent: of((s) => s.cpuPercent), loadCpuPercent: of((s) => s.loadCpuPercent),
	};
}

export async function benchIngest(): Promise<IngestResult[]> {
	const results: IngestResult[] = [];
	for (const cameras of INGEST_CAMERAS) {
		const samples: IngestResult["samples"] = [];
		for (let repetition = 0; repetition < REPETITIONS; repetition++)
			samples.push({ sink: await sample("sink", cameras), receiver: await sample("receiver", cameras) });
		results.push({
			cameras, samples,
			sink: medianSample(samples.map((pair) => pair.sink)),
			receiver: medianSample(samples.map((pair) => pair.receiver)),
			ratio: median(samples.map((pair) => pair.receiver.megabytesPerSecond / pair.sink.megabytesPerSecond)),
		});
	}
	return results;
}
