// npm run bench: the project's speed and memory measurements, each side by side with a baseline in the
// same invocation, printed as Markdown tables with the ratio baseline/xscam (docs/performance.md,
// "Benchmarks (npm run bench)", says what each number means), and written as JSON to bench-results.json
// in the current folder. Measurement only: nothing here passes or fails on a number.
//   1. xs: the firmware's frame path in the XS engine, in computrons (exact): scripts/bench/xs-frame-path.ts.
//   2. fan-out: the receiver's fan-out with a stalled viewer, in wall time and memory (noisy): scripts/bench/fan-out.ts.
//   3. many-clients: RTSP against MJPEG at 1, 10 and 100 clients, in frames/s, frame age and CPU (noisy): scripts/bench/many-clients.ts.
//   4. ingest: the receiver taking frames as fast as cameras send them, against a byte sink (noisy): scripts/bench/ingest.ts.
//   5. transport: frames over UDP against TCP through the same loss and delay, at the viewer (noisy): scripts/bench/transport.ts.
//   6. fan-out-latency: a frame from the frame bus to 1, 100 and 1,000 viewers' last byte, and from capture at 1 viewer,
//      against a bare write loop (noisy): scripts/bench/fan-out-latency.ts.
//   7. cluster: frames through a fleet on a 3-node NATS cluster against one receiver, and the hop's cost (noisy; needs nats-server): scripts/bench/cluster.ts.
//   8. many-cameras: thousands of cameras at 10 frames/s each, the receiver against a byte sink: loss, event-loop delay, memory (noisy): scripts/bench/many-cameras.ts.
// `npm run bench -- --only ingest` (or --only xs,fan-out, …) runs some of them.

import { writeFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, release, totalmem } from "node:os";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { benchCluster, CLUSTER_MODES, FLOOD_FPS, STEADY_FPS, type ClusterResult, type ClusterRun } from "./bench/cluster";
import { benchFanOut, type FanOutRun } from "./bench/fan-out";
import { benchFanOutLatency, LATENCY_REPETITIONS, type LatencyResult, type LatencyRun } from "./bench/fan-out-latency";
import { benchIngest, INGEST_CAMERAS, JPEG_BYTES, REPETITIONS, WARM_UP_MS, WINDOW_MS, type IngestResult } from "./bench/ingest";
import { benchManyCameras, CAMERA_COUNTS, CAMERA_FPS, WARM_UP_MS as MANY_CAMERAS_WARM_UP_MS, WINDOW_MS as MANY_CAMERAS_WINDOW_MS, type ManyCamerasResult } from "./bench/many-cameras";
import { benchManyClients, CLIENT_COUNTS, type ClientKind, type ManyClientsRun } from "./bench/many-clients";
import { quantile } from "./bench/stats";
import {
	benchTransport, DELAY_MS, FRAME_RATE as TRANSPORT_FPS, JPEG_BYTES as TRANSPORT_JPEG_BYTES, LOSSES, WINDOW_MS as TRANSPORT_WINDOW_MS, type TransportRun,
} from "./bench/transport";
import { benchXsFramePath, SEND_BUFFER } from "./bench/xs-frame-path";

const integer = new Intl.NumberFormat("en-US");

function table(head: string[], rows: string[][]): string {
	const line = (cells: string[]) => "| " + cells.join(" | ") + " |\n";
	return line(head) + line(head.map(() => "---")) + rows.map(line).join("");
}

/** baseline/xscam (RTSP/MJPEG in benchmark 3), or "-" where xscam's value is zero or below (a ratio would mean nothing). */
function ratio(baseline: number, xscam: number): string {
	return xscam > 0 ? (baseline / xscam).toPrecision(3) : "-";
}

function megabytes(bytes: number): string {
	return (bytes / 1e6).toFixed(1) + " MB";
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);

/** The rows of a table of two sides (`first`, `second`) of one count (`key`), with `ratioOf` their values. */
function rowMaker<Run>(key: number, first: Run, second: Run, ratioOf: (first: number, second: number) => string) {
	return (what: string, read: (run: Run) => number, show: (value: number) => string) =>
		[String(key), what, show(read(first)), show(read(second)), ratioOf(read(first), read(second))];
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

function manyClientsRows(runs: ManyClientsRun[]): string[][] {
	const find = (kind: ClientKind, clients: number) => runs.find((run) => run.kind === kind && run.clients === clients)!;
	return CLIENT_COUNTS.flatMap((clients) => {
		const mjpeg = find("mjpeg", clients);
		const rtsp = find("rtsp", clients);
		const row = rowMaker(clients, mjpeg, rtsp, (mjpegValue, rtspValue) => ratio(rtspValue, mjpegValue));
		return [
			row("frames/s per client, mean", (run) => run.clientFpsMean, fixed(1)),
			row("frames/s per client, slowest client", (run) => run.clientFpsMin, fixed(1)),
			row("frame age (capture to whole frame received), median, ms", (run) => run.ageP50Ms, fixed(1)),
			row("frame age, 99th percentile, ms", (run) => run.ageP99Ms, fixed(1)),
			row("receiver CPU, % of one core", (run) => run.receiverCpuPercent, fixed(0)),
			row("receiver event-loop delay, 99th percentile, ms", (run) => run.receiverLoopDelayP99Ms, fixed(1)),
			row("camera and clients' CPU (the other process), % of one core", (run) => run.clientsCpuPercent, fixed(0)),
			[String(clients), "camera frames/s written, frames skipped", mjpeg.cameraFps.toFixed(1) + ", " + mjpeg.cameraSkipped, rtsp.cameraFps.toFixed(1) + ", " + rtsp.cameraSkipped, ""],
		];
	});
}

function ingestRows(results: IngestResult[]): string[][] {
	return results.flatMap((result) => {
		const row = rowMaker(result.cameras, result.sink, result.receiver, (sink, receiver) => ratio(receiver, sink));
		return [
			row("MB/s taken (frames with their headers)", (sample) => sample.megabytesPerSecond, fixed(0)),
			row("frames/s taken", (sample) => sample.framesPerSecond, fixed(0)),
			[String(result.cameras), "MB/s receiver/sink, median of the repetitions' ratios", "", "", "**" + result.ratio.toPrecision(3) + "**"],
			row("CPU of the side measured, % of one core", (sample) => sample.cpuPercent, fixed(0)),
			row("CPU of the load (the other process), % of one core", (sample) => sample.loadCpuPercent, fixed(0)),
		];
	});
}

function manyCamerasRows(results: ManyCamerasResult): string[][] {
	return results.flatMap(({ sink, receiver }) => {
		const row = rowMaker(sink.cameras, sink, receiver, (sinkValue, receiverValue) => ratio(receiverValue, sinkValue));
		const alone = (what: string, value: string) => [String(sink.cameras), what, "", value, ""];
		return [
			row("MB/s taken (frames with their headers)", (sample) => sample.megabytesPerSecond, fixed(0)),
			row("frames due in the window (" + CAMERA_FPS + " per camera per second)", (sample) => sample.due, integer.format),
			row("**frames lost, % of those due** (skipped by the cameras, or missing at the receiver)", (sample) => sample.lossShare * 100, fixed(3)),
			row("frames behind when the window closed (due, not skipped, not taken yet)", (sample) => sample.behind, fixed(0)),
			alone("capture to arrival, latest frame of each camera: median; 99th percentile, ms", receiver.latencyP50Ms.toFixed(0) + "; " + receiver.latencyP99Ms.toFixed(0)),
			row("**event-loop delay, 99th percentile, ms**", (sample) => sample.loopDelayP99Ms, fixed(1)),
			row("CPU of the side measured, % of one core", (sample) => sample.cpuPercent, fixed(0)),
			row("CPU of the load (the other process), % of one core", (sample) => sample.loadCpuPercent, fixed(0)),
			row("resident memory of the side measured at the window's end, MB", (sample) => sample.rssBytes / 1e6, fixed(0)),
		];
	});
}

function transportRows(runs: TransportRun[]): string[][] {
	// an age is null (NaN in JSON) where no frame came whole in the window
	const fixed = (digits: number) => (value: number | null) => (value === null || Number.isNaN(value) ? "no frame" : value.toFixed(digits));
	return LOSSES.flatMap((loss) => {
		const tcp = runs.find((run) => run.loss === loss && run.transport === "tcp")!;
		const udp = runs.find((run) => run.loss === loss && run.transport === "udp")!;
		const row = (what: string, read: (run: TransportRun) => number | null, show: (value: number | null) => string) => {
			const [a, b] = [read(udp), read(tcp)];
			return [(loss * 100).toFixed(0) + "%", what, show(b), show(a), a === null || b === null ? "-" : ratio(a, b)];
		};
		return [
			row("frames/s at the viewer", (run) => run.fps, fixed(1)),
			row("age of what it sees (capture to last byte), median, ms", (run) => run.ageP50Ms, fixed(0)),
			row("age, 99th percentile, ms", (run) => run.ageP99Ms, fixed(0)),
			[(loss * 100).toFixed(0) + "%", "UDP paced to, frames/s", "", udp.pacedRate === null ? "not paced" : udp.pacedRate.toFixed(1), ""],
		];
	});
}


/** Benchmark 6's measures: what, where in a run, and the digits shown. */
type Measure = [what: string, read: (run: LatencyRun) => number, digits: number];
const LATENCY_MEASURES: Measure[] = [
	["frame bus to a viewer's last byte, median, ms", (run) => run.latencyP50Ms, 2],
	["frame bus to a viewer's last byte, 99th percentile, ms", (run) => run.latencyP99Ms, 2],
	["frame bus to the frame's last viewer, 99th percentile, ms", (run) => run.lastViewerP99Ms, 2],
	["publishing (handing the frame to every socket), median, ms", (run) => run.publishP50Ms, 2],
	["capture to a viewer's last byte (end to end), median, ms", (run) => run.ageP50Ms, 2],
	["capture to a viewer's last byte (end to end), 99th percentile, ms", (run) => run.ageP99Ms, 2],
	["capture to the frame bus, median, ms", (run) => run.cameraToBusP50Ms, 2],
];
const POSITION_MEASURES: Measure[] = [["share of the frames the viewer most often last was last for", (run) => run.positions.mostOftenLastShare, 3]];
const LOAD_MEASURES: Measure[] = [
	["frames/s per viewer, slowest viewer", (run) => run.viewerFpsMin, 1],
	["receiver CPU, % of one core", (run) => run.serverCpuPercent, 0],
	["receiver event-loop delay, 99th percentile, ms", (run) => run.serverLoopDelayP99Ms, 1],
	["viewers' CPU (their process), % of one core", (run) => run.loadCpuPercent, 0],
];

function fanOutLatencyRows(results: LatencyResult[]): string[][] {
	return results.flatMap(({ viewers, raw, xscam }) => {
		const row = rowMaker(viewers, raw, xscam, ratio);
		const rows = (measures: Measure[]) => measures.map(([what, read, digits]) => row(what, read, fixed(digits)));
		const positions = viewers === 1 ? [] : [
			[String(viewers), "viewers' mean place (0 first, 1 last), lowest to highest", places(raw), places(xscam), ""],
			...rows(POSITION_MEASURES),
		];
		const camera = (run: LatencyRun) => run.cameraFps.toFixed(1) + ", " + run.cameraSkipped;
		return [...rows(LATENCY_MEASURES), ...positions, [String(viewers), "camera frames/s written, frames skipped", camera(raw), camera(xscam), ""], ...rows(LOAD_MEASURES)];
	});
}

function places({ positions }: LatencyRun): string {
	return positions.meanPlaceMin.toFixed(2) + "–" + positions.meanPlaceMax.toFixed(2);
}

function clusterRows({ runs }: ClusterResult): string[][] {
	const median = (values: number[]) => quantile(values, 0.5);
	const of = (mode: ClusterRun["mode"], fps: number, read: (run: ClusterRun) => number) =>
		median(runs.filter((run) => run.mode === mode && run.offeredFps === fps).map(read));
	const row = (what: string, fps: number, read: (run: ClusterRun) => number, digits: number) => {
		const [one, local, far] = CLUSTER_MODES.map((mode) => of(mode, fps, read));
		const difference = Number((far - one).toFixed(digits)) || 0; // never "-0.0"
		return [what, one.toFixed(digits), local.toFixed(digits), far.toFixed(digits), ratio(far, one), difference.toFixed(digits)];
	};
	return [
		row(STEADY_FPS + " fps offered: frame age at the viewer, p50, ms", STEADY_FPS, (run) => run.ageP50Ms, 1),
		row(STEADY_FPS + " fps offered: frame age at the viewer, p99, ms", STEADY_FPS, (run) => run.ageP99Ms, 1),
		row(STEADY_FPS + " fps offered: frames/s at the viewer", STEADY_FPS, (run) => run.viewerFps, 1),
		row(FLOOD_FPS + " fps offered: frames/s at the viewer", FLOOD_FPS, (run) => run.viewerFps, 0),
		row(FLOOD_FPS + " fps offered: frames/s the camera wrote (skipped when its socket was full)", FLOOD_FPS, (run) => run.cameraFps, 0),
		row(FLOOD_FPS + " fps offered: frame age at the viewer, p50, ms", FLOOD_FPS, (run) => run.ageP50Ms, 1),
	];
}

const BENCHMARKS = ["xs", "fan-out", "many-clients", "ingest", "transport", "fan-out-latency", "cluster", "many-cameras"] as const;
type Benchmark = (typeof BENCHMARKS)[number];
const { values: flags } = parseArgs({ options: { only: { type: "string" } } });
const only = flags.only === undefined ? [...BENCHMARKS] : flags.only.split(",").map((name) => name.trim());
const unknown = only.filter((name) => !(BENCHMARKS as readonly string[]).includes(name));
if (unknown.length > 0) throw new Error("bench: no benchmark " + unknown.join(", ") + "; there are " + BENCHMARKS.join(", "));
const runs = (name: Benchmark) => only.includes(name);
const results: { [name in Benchmark]?: unknown } = {};

const started = performance.now();
process.stdout.write("# npm run bench\n\n" + new Date().toISOString() + "; " + availableParallelism() + " cores (" + cpus()[0].model + "), " +
	(totalmem() / 2 ** 30).toFixed(0) + " GiB RAM, Linux " + release() + ", Node " + process.version + "\n\n");

if (runs("xs")) {
	const frames = results.xs = await benchXsFramePath();
	process.stdout.write("## 1. Firmware frame path in XS: computrons per frame (exact: the same in every run, on every machine)\n\n" +
		"TCP send buffer " + integer.format(SEND_BUFFER) + " bytes (a whole frame); baseline: scripts/bench/copying-firmware.ts, a JS copy of each frame.\n\n" +
		table(["frame", "xscam (src/main.ts)", "baseline (copies each frame)", "baseline - xscam", "baseline/xscam"], frames.map(({ kb, xscam, baseline }) => [
			kb + " KB (" + integer.format(xscam.jpegBytes) + " bytes)", integer.format(xscam.perFrame), integer.format(baseline.perFrame),
			integer.format(baseline.perFrame - xscam.perFrame), ratio(baseline.perFrame, xscam.perFrame),
		])) + "\n");
}

if (runs("fan-out")) {
	const { xscam, naive } = results["fan-out"] = await benchFanOut();
	process.stdout.write("## 2. Receiver fan-out with a stalled viewer (wall clock and memory: noisy, this machine only)\n\n" +
		"One camera, " + integer.format(xscam.frameBytes) + "-byte frames at " + xscam.fps + " fps, one reading viewer, one viewer that stopped reading; " +
		"window " + xscam.windowMs + " ms (xscam) and " + naive.windowMs + " ms (naive) after " + xscam.warmUpMs + " ms of warm-up. Baseline: scripts/bench/naive-relay.ts.\n\n" +
		table(["", "xscam receiver", "naive relay (baseline)", "baseline/xscam"], fanOutRows(xscam, naive)) + "\n");
}

if (runs("many-clients")) {
	const loadBefore = loadavg()[0]; // the machine is shared: its load says how much of the two cores the runs had
	const manyClients = results["many-clients"] = await benchManyClients();
	const [{ frameBytes, fps, warmUpMs, windowMs }] = manyClients;
	process.stdout.write("## 3. RTSP and MJPEG fan-out at " + CLIENT_COUNTS.join(", ") + " clients (wall clock and CPU: noisy, this machine only)\n\n" +
		"One camera, " + integer.format(frameBytes) + "-byte frames (baseline 4:2:0, RTP/JPEG-ready) at " + fps + " fps; N MJPEG viewers or N RTSP clients " +
		"(RTP over the RTSP connection); the receiver in a process of its own; window " + windowMs + " ms after " + warmUpMs + " ms of warm-up; " +
		"1-minute load average " + loadBefore.toFixed(2) + " before the runs, " + loadavg()[0].toFixed(2) + " after. " +
		"Ratio RTSP/MJPEG, same run: above 1 is more frames, age or CPU for RTSP.\n\n" +
		table(["clients", "", "MJPEG", "RTSP", "RTSP/MJPEG"], manyClientsRows(manyClients)) + "\n");
}

if (runs("ingest")) {
	const loadBefore = loadavg()[0];
	const ingest = results.ingest = await benchIngest();
	process.stdout.write("## 4. Ingest: frames as fast as the cameras can send them, receiver against a byte sink (wall clock and CPU: noisy, this machine only)\n\n" +
		INGEST_CAMERAS.join(" and ") + " cameras, each one TCP connection sending " + integer.format(JPEG_BYTES) + "-byte JPEGs in frame messages as fast as its socket drains " +
		"(scripts/bench/frame-flood.ts, in a process of its own); the same load against a server that only counts the bytes (byte-sink.ts) and against the receiver, " +
		"each in a fresh process, one after the other, " + REPETITIONS + " times; window " + WINDOW_MS + " ms after " + WARM_UP_MS + " ms of warm-up; medians. " +
		"1-minute load average " + loadBefore.toFixed(2) + " before, " + loadavg()[0].toFixed(2) + " after. Ratio receiver/sink: 1 is as fast as the sink.\n\n" +
		table(["cameras", "", "byte sink (baseline)", "receiver", "receiver/sink"], ingestRows(ingest)) + "\n");
}

if (runs("transport")) {
	const loadBefore = loadavg()[0];
	const transport = results.transport = await benchTransport();
	process.stdout.write("## 5. Frames over UDP against TCP, through the same loss and " + DELAY_MS + " ms of delay (wall clock: noisy, this machine only)\n\n" +
		"The unchanged firmware on the Node host (its 8 KB send buffer acknowledged as the far end takes the bytes), " + integer.format(TRANSPORT_JPEG_BYTES) +
		"-byte VGA frames at " + TRANSPORT_FPS + " fps, to the receiver through hosttest/net/'s proxies (TCP: a lost segment comes " +
		"200 ms late with everything behind it; UDP: a lost datagram is gone), one MJPEG viewer; window " + TRANSPORT_WINDOW_MS + " ms after 3 s of warm-up. " +
		"1-minute load average " + loadBefore.toFixed(2) + " before, " + loadavg()[0].toFixed(2) + " after. Ratio UDP/TCP: above 1 is more frames, or older ones, for UDP.\n\n" +
		table(["loss", "", "TCP", "UDP", "UDP/TCP"], transportRows(transport)) + "\n");
}

if (runs("fan-out-latency")) {
	const loadBefore = loadavg()[0];
	const latency = results["fan-out-latency"] = await benchFanOutLatency();
	const [{ xscam: { frameBytes, fps, warmUpMs, windowMs } }] = latency;
	process.stdout.write("## 6. Fan-out latency: the frame bus to each viewer's last byte, and end to end (wall clock and CPU: noisy, this machine only)\n\n" +
		"One camera (its own process), " + integer.format(frameBytes) + "-byte frames at " + fps + " fps; the receiver in a process of its own; the viewers in a third, " +
		"all on loopback, times compared on the machine's monotonic clock. Baseline: the same receiver's ingest, then a bare loop writing each frame's whole part " +
		"in one buffer to every viewer (scripts/bench/fan-out-latency-server.ts). Window " + windowMs + " ms after " + warmUpMs + " ms of warm-up; each count " +
		LATENCY_REPETITIONS + " times, baseline then xscam, each in fresh processes; medians. 1-minute load average " + loadBefore.toFixed(2) + " before, " +
		loadavg()[0].toFixed(2) + " after. Ratio baseline/xscam: above 1 is xscam faster.\n\n" +
		table(["viewers", "", "bare write loop (baseline)", "xscam", "baseline/xscam"], fanOutLatencyRows(latency)) + "\n");
}

if (runs("cluster")) {
	const cluster = results.cluster = await benchCluster();
	process.stdout.write("## 7. A fleet: frames through a 3-node NATS cluster against one receiver (wall clock: noisy, this machine only)\n\n" +
		"One camera, " + integer.format(cluster.frameBytes) + "-byte frames, one MJPEG viewer; every receiver and NATS node in its own process on loopback, camera and viewer in this one; " +
		"window " + cluster.windowMs + " ms after " + cluster.warmUpMs + " ms of warm-up, each setup " + cluster.repetitions + " times in turn, medians. " +
		"1-minute load average " + cluster.loadBefore.toFixed(2) + " before, " + cluster.loadAfter.toFixed(2) + " after. " +
		"Ratio and difference: through the cluster against one receiver.\n\n" +
		table(["", "one receiver (no --cluster)", "fleet: camera and viewer on A", "fleet: camera on B, viewer on A", "cluster/one", "cluster - one"], clusterRows(cluster)) + "\n");
}

if (runs("many-cameras")) {
	const loadBefore = loadavg()[0];
	const manyCameras = results["many-cameras"] = await benchManyCameras();
	process.stdout.write("## 8. Many cameras at a camera's rate: the receiver against a byte sink (wall clock and CPU: noisy, this machine only)\n\n" +
		CAMERA_COUNTS.map((count) => integer.format(count)).join(", ") + " cameras, each one TCP connection sending " + integer.format(JPEG_BYTES) + "-byte JPEGs at " + CAMERA_FPS +
		" frames/s, their turns spread evenly, a camera skipping its turn while the kernel has not taken its last frame (scripts/bench/paced-cameras.ts, in a process of its own); " +
		"against the byte sink and the receiver, each in a fresh process; window " + MANY_CAMERAS_WINDOW_MS + " ms after " + MANY_CAMERAS_WARM_UP_MS + " ms of warm-up; one run each. " +
		"1-minute load average " + loadBefore.toFixed(2) + " before, " + loadavg()[0].toFixed(2) + " after. Ratio receiver/sink.\n\n" +
		table(["cameras", "", "byte sink (baseline)", "receiver", "receiver/sink"], manyCamerasRows(manyCameras)) + "\n");
}

const resultsFile = resolve("bench-results.json");
writeFileSync(resultsFile, JSON.stringify({
	date: new Date().toISOString(), cores: availableParallelism(), cpu: cpus()[0].model, node: process.version, ...results,
}, null, "\t") + "\n");
process.stdout.write("results: " + resultsFile + "\n");

process.stdout.write("bench: " + ((performance.now() - started) / 1000).toFixed(1) + " s\n");
