// One run of the many-clients benchmark (many-clients.ts starts it): `node --import tsx many-clients-run.ts mjpeg|rtsp <clients>`.
// The receiver runs in a process of its own (receiver-process.ts); this one holds the camera, streaming
// 40 KB frames RTP/JPEG can carry at 25 fps, and the clients, all on loopback, so that the camera's
// stamps and the clients' arrivals are on one clock. After a warm-up it measures for a window, then
// prints one line of JSON (a ManyClientsRun) on stdout.

import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { ClientKind, ManyClientsRun } from "./many-clients";
import { cpuPercent, forkScript, nextMessage } from "./forked";
import type { MeasureCommand } from "./measured-process";
import type { ReceiverReport, ReceiverStarted } from "./receiver-process";
import { RtspViewer } from "./rtsp-viewer";
import { rtpJpegs, StampedCamera } from "./stamped-camera";
import { quantile } from "./stats";
import { StreamViewer, type Arrival } from "./stream-viewer";

const CAMERA_ID = "bench";
const FPS = 25;
const FRAME_BYTES = 40 * 1024; // about a VGA frame; RTP/JPEG splits the bytes, whatever picture they hold
/** Connections, the kernel's socket buffers filling, the JIT: none of it is measured. */
const WARM_UP_MS = 3000;
const WINDOW_MS = 10_000;
const RECEIVER = fileURLToPath(new URL("receiver-process.ts", import.meta.url));

interface Client {
	readonly arrivals: Arrival[];
	close(): void;
}

function openClient(kind: ClientKind, ports: ReceiverStarted["ports"]): Promise<Client> {
	return kind === "rtsp"
		? RtspViewer.play(ports.rtspPort, CAMERA_ID)
		: StreamViewer.open(ports.httpPort, "/cameras/" + CAMERA_ID + "/stream.mjpeg", false);
}

async function run(kind: ClientKind, count: number): Promise<ManyClientsRun> {
	const receiver = forkScript(RECEIVER);
	const { ports } = await nextMessage<ReceiverStarted>(receiver);
	const command = (what: MeasureCommand) => receiver.send(what);
	const camera = await StampedCamera.online(ports.ingestPort, CAMERA_ID);
	camera.start(FPS, rtpJpegs(FRAME_BYTES));
	const clients = await Promise.all(Array.from({ length: count }, () => openClient(kind, ports)));
	await sleep(WARM_UP_MS);

	command("measure");
	const start = performance.now();
	const cpuFrom = process.cpuUsage();
	const [sentFrom, skippedFrom] = [camera.sent, camera.skipped];
	await sleep(WINDOW_MS);
	const end = performance.now();
	const { user, system } = process.cpuUsage(cpuFrom);
	const [sent, skipped] = [camera.sent - sentFrom, camera.skipped - skippedFrom];
	command("report");
	const report = await nextMessage<ReceiverReport>(receiver);
	receiver.disconnect();

	camera.close();
	for (const client of clients) client.close();
	await once(receiver, "exit");
	const seconds = (end - start) / 1000;
	const inWindow = clients.map((client) => client.arrivals.filter(({ at }) => at >= start && at < end));
	const clientFps = inWindow.map((arrivals) => arrivals.length / seconds);
	const ages = inWindow.flat().map(({ age }) => age);
	return {
		kind, clients: count, frameBytes: FRAME_BYTES, fps: FPS, warmUpMs: WARM_UP_MS, windowMs: Math.round(end - start),
		clientFpsMean: clientFps.reduce((sum, fps) => sum + fps, 0) / count,
		clientFpsMin: Math.min(...clientFps),
		ageP50Ms: quantile(ages, 0.5),
		ageP99Ms: quantile(ages, 0.99),
		cameraFps: sent / seconds,
		cameraSkipped: skipped,
		receiverCpuPercent: cpuPercent(report.cpuMs, report.wallMs),
		receiverLoopDelayP99Ms: report.loopDelayP99Ms,
		clientsCpuPercent: cpuPercent((user + system) / 1000, end - start),
	};
}

const [kind, count] = [process.argv[2], Number(process.argv[3])];
if ((kind !== "mjpeg" && kind !== "rtsp") || !(count >= 1)) throw new Error("usage: many-clients-run.ts mjpeg|rtsp <clients>");
process.stdout.write(JSON.stringify(await run(kind, count)) + "\n");
