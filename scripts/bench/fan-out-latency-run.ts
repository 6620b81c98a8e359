// One run of the fan-out latency benchmark (fan-out-latency.ts starts it):
// `node --import tsx fan-out-latency-run.ts xscam|raw <viewers> [--profile]` (--profile: the server's CPU
// profile of the window, fan-out-latency-server.ts). It forks the server (fan-out-latency-server.ts)
// and the camera (stamped-camera-process.ts: stamped 40 KB frames at 25 fps), each into a process of its
// own, and holds the MJPEG viewers (stream-viewer.ts), all on loopback. After a warm-up it measures for
// a window, then prints one line of JSON (a LatencyRun) on stdout. The processes' times are compared on
// the machine's clock (shared-clock.ts): a frame's fan-out latency at a viewer runs from its publication
// on the server's frame bus to the viewer having its last byte; its age, from the camera's stamp (on
// the machine's clock) to the same moment.

import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { LatencyRun, ViewerPositions } from "./fan-out-latency";
import type { LatencyServerKind, LatencyServerReport, LatencyServerStarted, Publication } from "./fan-out-latency-server";
import type { CameraReport } from "./stamped-camera-process";
import { cpuPercent, forkScript, nextMessage } from "./forked";
import type { MeasureCommand } from "./measured-process";
import { sharedClockOffset } from "./shared-clock";
import { quantile } from "./stats";
import { StreamViewer, type Arrival } from "./stream-viewer";

const FPS = 25;
const FRAME_BYTES = 40 * 1024; // about a VGA frame, as in benchmark 3
/** Connections, the kernel's socket buffers filling, the JIT: none of it is measured. */
const WARM_UP_MS = 3000;
const WINDOW_MS = 10_000;
/**
 * How long the processes have to report once the window ends. A server whose event loop its writes
 * block (the baseline's unbounded queues at 1,000 viewers on a loaded machine) may never answer: the
 * run then fails, saying so, rather than hanging the benchmark.
 */
const REPORT_TIMEOUT_MS = 60_000;
/** Viewers that connect at once: the listen backlog holds them all. */
const CONNECT_BATCH = 100;
const script = (name: string) => fileURLToPath(new URL(name, import.meta.url));
const SERVER = script("fan-out-latency-server.ts");
const CAMERA = script("stamped-camera-process.ts");

/** A frame's key: its stamp to the µs, the same whether read from the JPEG or as an arrival's time less its age. */
const keyOf = (stamp: number) => Math.round(stamp * 1000);

async function openViewers(count: number, started: LatencyServerStarted): Promise<StreamViewer[]> {
	const viewers: StreamViewer[] = [];
	while (viewers.length < count) {
		const batch = Math.min(CONNECT_BATCH, count - viewers.length);
		viewers.push(...await Promise.all(Array.from({ length: batch }, () => StreamViewer.open(started.viewerPort, started.viewerPath, false))));
	}
	return viewers;
}

/**
 * Where each viewer came in the order its frames arrived: for every frame all the viewers received, each
 * viewer's place from 0 (first) to 1 (last).
 */
function positions(arrivalsByViewer: Map<number, number>[]): ViewerPositions {
	const count = arrivalsByViewer.length;
	const placeSums = new Array<number>(count).fill(0);
	const lastCounts = new Array<number>(count).fill(0);
	let frames = 0;
	for (const key of arrivalsByViewer[0].keys()) {
		const times = arrivalsByViewer.map((arrivals) => arrivals.get(key));
		if (count < 2 || times.some((time) => time === undefined)) continue;
		const order = times.map((time, viewer) => ({ time: time!, viewer })).sort((a, b) => a.time - b.time);
		order.forEach(({ viewer }, place) => void (placeSums[viewer] += place / (count - 1)));
		lastCounts[order[count - 1].viewer]++;
		frames++;
	}
	const meanPlaces = placeSums.map((sum) => sum / frames);
	return {
		frames,
		meanPlaceMin: Math.min(...meanPlaces), meanPlaceMax: Math.max(...meanPlaces),
		mostOftenLastShare: frames > 0 ? Math.max(...lastCounts) / frames : NaN,
	};
}

async function run(kind: LatencyServerKind, count: number, profile: boolean): Promise<LatencyRun> {
	const server = forkScript(SERVER, profile ? [kind, "--profile"] : [kind]);
	const started = await nextMessage<LatencyServerStarted>(server);
	const camera = forkScript(CAMERA, [String(started.ingestPort), String(FPS), String(FRAME_BYTES)]);
	await nextMessage<"streaming">(camera);
	const viewers = await openViewers(count, started);
	await sleep(WARM_UP_MS);

	const both = (command: MeasureCommand) => [server, camera].forEach((child) => child.send(command));
	both("measure");
	const start = performance.now();
	const cpuFrom = process.cpuUsage();
	await sleep(WINDOW_MS);
	const end = performance.now();
	const { user, system } = process.cpuUsage(cpuFrom);
	const reports = [nextMessage<LatencyServerReport>(server, REPORT_TIMEOUT_MS), nextMessage<CameraReport>(camera, REPORT_TIMEOUT_MS)] as const;
	both("report");
	const [report, cameraReport] = await Promise.all(reports).catch((error: unknown) => {
		for (const child of [camera, server]) child.kill("SIGKILL");
		throw error;
	});
	for (const child of [camera, server]) { // the camera first: the receiver must not see it go while measured
		child.disconnect();
		await once(child, "exit");
	}
	for (const viewer of viewers) viewer.close();

	// On the machine's clock: this process's times plus its offset, the server's plus its own; the
	// camera's stamps are on it already.
	const offset = sharedClockOffset();
	const published = new Map<number, Publication>(report.publications.map((publication) => [keyOf(publication.stamp), publication]));
	const publishedAt = (arrival: Arrival) => {
		const publication = published.get(keyOf(arrival.at - arrival.age));
		return publication === undefined ? undefined : publication.at + started.clockOffset;
	};
	const inWindow = viewers.map((viewer) => viewer.arrivals.filter(({ at }) => at >= start && at < end));
	const latencies: number[] = [];
	const lastLatencies = new Map<number, number>(); // frame -> its last viewer's latency
	const arrivalsByViewer = inWindow.map((arrivals) => {
		const byFrame = new Map<number, number>();
		for (const arrival of arrivals) {
			const from = publishedAt(arrival);
			if (from === undefined) continue;
			const latency = arrival.at + offset - from;
			latencies.push(latency);
			const key = keyOf(arrival.at - arrival.age);
			lastLatencies.set(key, Math.max(lastLatencies.get(key) ?? -Infinity, latency));
			byFrame.set(key, arrival.at);
		}
		return byFrame;
	});
	const windowPublications = report.publications.filter(({ at }) => at + started.clockOffset >= start + offset && at + started.clockOffset < end + offset);
	const publishMs = windowPublications.map(({ at, returnedAt }) => returnedAt - at);
	const cameraToBus = windowPublications.map(({ stamp, at }) => at + started.clockOffset - stamp);
	const ages = inWindow.flat().map(({ age }) => age + offset); // the viewer took its time less a stamp on the machine's clock
	const seconds = (end - start) / 1000;
	const viewerFps = inWindow.map((arrivals) => arrivals.length / seconds);
	return {
		kind, viewers: count, frameBytes: FRAME_BYTES, fps: FPS, warmUpMs: WARM_UP_MS, windowMs: Math.round(end - start),
		latencyP50Ms: quantile(latencies, 0.5), latencyP99Ms: quantile(latencies, 0.99), latencyMaxMs: quantile(latencies, 1), // not Math.max(...): a thousand viewers' 250,000 samples overflow the stack
		lastViewerP50Ms: quantile([...lastLatencies.values()], 0.5), lastViewerP99Ms: quantile([...lastLatencies.values()], 0.99),
		publishP50Ms: quantile(publishMs, 0.5), publishP99Ms: quantile(publishMs, 0.99),
		cameraToBusP50Ms: quantile(cameraToBus, 0.5),
		ageP50Ms: quantile(ages, 0.5), ageP99Ms: quantile(ages, 0.99),
		positions: positions(arrivalsByViewer),
		viewerFpsMean: viewerFps.reduce((sum, fps) => sum + fps, 0) / count, viewerFpsMin: Math.min(...viewerFps),
		cameraFps: cameraReport.sent / (cameraReport.wallMs / 1000), cameraSkipped: cameraReport.skipped,
		serverCpuPercent: cpuPercent(report.cpuMs, report.wallMs), serverLoopDelayP99Ms: report.loopDelayP99Ms,
		loadCpuPercent: cpuPercent((user + system) / 1000, end - start),
	};
}

const [kind, count, profile] = [process.argv[2], Number(process.argv[3]), process.argv[4] === "--profile"];
if ((kind !== "xscam" && kind !== "raw") || !(count >= 1)) throw new Error("usage: fan-out-latency-run.ts xscam|raw <viewers> [--profile]");
process.stdout.write(JSON.stringify(await run(kind, count, profile)) + "\n");
