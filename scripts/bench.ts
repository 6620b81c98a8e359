// npm run bench: the project's speed and memory measurements, each side by side with a baseline in the
// same invocation, printed as Markdown tables with the ratio baseline/xscam (docs/performance.md,
// "Benchmarks (npm run bench)", says what each number means). Measurement only: nothing here passes or
// fails on a number.
//   1. The firmware's frame path in the XS engine, in computrons (exact): scripts/bench/xs-frame-path.ts.
//   2. The receiver's fan-out with a stalled viewer, in wall time and memory (noisy): scripts/bench/fan-out.ts.

import { availableParallelism, cpus, release, totalmem } from "node:os";
import { benchFanOut, type FanOutRun } from "./bench/fan-out";
import { benchXsFramePath, SEND_BUFFER } from "./bench/xs-frame-path";

const integer = new Intl.NumberFormat("en-US");

function table(head: string[], rows: string[][]): string {
	const line = (cells: string[]) => "| " + cells.join(" | ") + " |\n";
	return line(head) + line(head.map(() => "---")) + rows.map(line).join("");
}

/** baseline/xscam, or "-" where xscam's value is zero or below (a ratio would mean nothing). */
function ratio(baseline: number, xscam: number): string {
	return xscam > 0 ? (baseline / xscam).toPrecision(3) : "-";
}

function megabytes(bytes: number): string {
	return (bytes / 1e6).toFixed(1) + " MB";
}

function yes(value: boolean): string {
	return value ? "yes" : "no";
}

function fanOutRows(xscam: FanOutRun, naive: FanOutRun): string[][] {
	const row = (what: string, read: (run: FanOutRun) => number, show: (value: number) => string) =>
		[what, show(read(xscam)), show(read(naive)), ratio(read(naive), read(xscam))];
	return [
		row("reading viewer: frames/s", (run) => run.fastFps, (value) => value.toFixed(1)),
		row("reading viewer: median frame age (capture to whole frame received), ms", (run) => run.fastMedianAgeMs, (value) => value.toFixed(2)),
		row("stalled viewer: bytes queued in its socket at the end (writableLength)", (run) => run.queuedAtEnd, integer.format),
		row("stalled viewer: most bytes queued, sampled every 100 ms", (run) => run.maxQueued, integer.format),
		// No ratio: xscam's growth is noise around zero (a few hundred KB either way), so the ratio would be noise too.
		["live memory growth over the window (heap used + Buffers, after gc)", megabytes(xscam.liveGrowth), megabytes(naive.liveGrowth), "-"],
		["stalled viewer still connected at the end", yes(xscam.stalledConnected), yes(naive.stalledConnected), ""],
		["camera frames written / skipped (whole run)", xscam.cameraSent + " / " + xscam.cameraSkipped, naive.cameraSent + " / " + naive.cameraSkipped, ""],
	];
}

const started = performance.now();
process.stdout.write("# npm run bench\n\n" + new Date().toISOString() + "; " + availableParallelism() + " cores (" + cpus()[0].model + "), " +
	(totalmem() / 2 ** 30).toFixed(0) + " GiB RAM, Linux " + release() + ", Node " + process.version + "\n\n");

const frames = await benchXsFramePath();
process.stdout.write("## 1. Firmware frame path in XS: computrons per frame (exact: the same in every run, on every machine)\n\n" +
	"TCP send buffer " + integer.format(SEND_BUFFER) + " bytes (a whole frame); baseline: scripts/bench/copying-firmware.ts, a JS copy of each frame.\n\n" +
	table(["frame", "xscam (src/main.ts)", "baseline (copies each frame)", "baseline - xscam", "baseline/xscam"], frames.map(({ kb, xscam, baseline }) => [
		kb + " KB (" + integer.format(xscam.jpegBytes) + " bytes)", integer.format(xscam.perFrame), integer.format(baseline.perFrame),
		integer.format(baseline.perFrame - xscam.perFrame), ratio(baseline.perFrame, xscam.perFrame),
	])) + "\n");

const { xscam, naive } = await benchFanOut();
process.stdout.write("## 2. Receiver fan-out with a stalled viewer (wall clock and memory: noisy, this machine only)\n\n" +
	"One camera, " + integer.format(xscam.frameBytes) + "-byte frames at " + xscam.fps + " fps, one reading viewer, one viewer that stopped reading; " +
	"window " + xscam.windowMs + " ms (xscam) and " + naive.windowMs + " ms (naive) after " + xscam.warmUpMs + " ms of warm-up. Baseline: scripts/bench/naive-relay.ts.\n\n" +
	table(["", "xscam receiver", "naive relay (baseline)", "baseline/xscam"], fanOutRows(xscam, naive)) + "\n");

process.stdout.write("bench: " + ((performance.now() - started) / 1000).toFixed(1) + " s\n");
