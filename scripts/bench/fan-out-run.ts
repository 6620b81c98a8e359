// One run of the fan-out benchmark (fan-out.ts starts it): `node --expose-gc --import tsx fan-out-run.ts xscam|naive`.
// Each run has a process of its own, so that its memory is its own and neither run inherits the other's
// heap. In it: the server (the real receiver, or the naive relay), one camera streaming stamped frames,
// one viewer that reads and one that stops reading, all on loopback. After a warm-up it measures for a
// window, then prints one line of JSON (a FanOutRun) on stdout. It needs --expose-gc: memory is read
// after a full collection at both ends of the window, so that it counts what is held, not garbage.

import { setTimeout as sleep } from "node:timers/promises";
import { benchReceiver } from "./bench-receiver";
import type { FanOutRun, ServerKind } from "./fan-out";
import { NaiveRelay } from "./naive-relay";
import { fillerJpegs, StampedCamera } from "./stamped-camera";
import { median } from "./stats";
import { StreamViewer } from "./stream-viewer";

const CAMERA_ID = "bench";
const FPS = 25;
const FRAME_BYTES = 100 * 1024;
/** Connections, the kernel's socket buffers filling, the JIT: none of it is measured. */
const WARM_UP_MS = 1000;
const WINDOW_MS = 10_000;
const SAMPLE_MS = 100;

interface BenchServer {
	ingestPort: number;
	httpPort: number;
	streamPath: string;
	/** Bytes the server holds for the viewer at `port` in its socket, not yet taken by the kernel; undefined once it is gone. */
	queuedBytes(port: number): number | undefined;
	close(): Promise<void>;
}

async function startXscam(): Promise<BenchServer> {
	// The stall timeout outlasts the run: the stalled viewer stays, and what it costs is measured.
	const receiver = benchReceiver({ viewerStallMs: 10 * (WARM_UP_MS + WINDOW_MS) });
	const { ingestPort, httpPort } = await receiver.start();
	return {
		ingestPort, httpPort, streamPath: "/cameras/" + CAMERA_ID + "/stream.mjpeg",
		queuedBytes: (port) => receiver.viewers(CAMERA_ID).find((viewer) => viewer.remote === "127.0.0.1:" + port)?.bufferedBytes,
		close: () => receiver.close(),
	};
}

async function startNaive(): Promise<BenchServer> {
	const relay = new NaiveRelay();
	const { ingestPort, httpPort } = await relay.start();
	return {
		ingestPort, httpPort, streamPath: "/",
		queuedBytes: (port) => [...relay.viewers].find((viewer) => viewer.socket?.remotePort === port)?.writableLength,
		close: () => relay.close(),
	};
}

/**
 * Bytes held by live JS objects and Buffers. V8 frees dead Buffers' memory on a background thread after
 * the collection that found them dead, so one gc() can still count them; a second one after a pause does not.
 */
async function liveBytes(): Promise<number> {
	const gc = globalThis.gc;
	if (!gc) throw new Error("bench: run with node --expose-gc");
	gc();
	await sleep(50);
	gc();
	const { heapUsed, external } = process.memoryUsage();
	return heapUsed + external;
}

async function run(kind: ServerKind): Promise<FanOutRun> {
	const server = kind === "xscam" ? await startXscam() : await startNaive();
	const camera = await StampedCamera.online(server.ingestPort, CAMERA_ID);
	camera.start(FPS, fillerJpegs(FRAME_BYTES));
	const fast = await StreamViewer.open(server.httpPort, server.streamPath, false);
	const stalled = await StreamViewer.open(server.httpPort, server.streamPath, true);
	const stalledPort = stalled.socket.localPort!;
	await sleep(WARM_UP_MS);

	const liveBefore = await liveBytes();
	const start = performance.now();
	let maxQueued = 0;
	while (performance.now() - start < WINDOW_MS) {
		await sleep(SAMPLE_MS);
		maxQueued = Math.max(maxQueued, server.queuedBytes(stalledPort) ?? 0);
	}
	const end = performance.now();
	const queuedAtEnd = server.queuedBytes(stalledPort);
	const liveGrowth = await liveBytes() - liveBefore;
	const arrivals = fast.arrivals.filter(({ at }) => at >= start && at < end);

	camera.close();
	fast.close();
	stalled.close();
	await server.close();
	return {
		kind, frameBytes: FRAME_BYTES, fps: FPS, warmUpMs: WARM_UP_MS, windowMs: Math.round(end - start),
		cameraSent: camera.sent, cameraSkipped: camera.skipped,
		fastFps: arrivals.length * 1000 / (end - start),
		fastMedianAgeMs: median(arrivals.map(({ age }) => age)),
		stalledConnected: queuedAtEnd !== undefined,
		queuedAtEnd: queuedAtEnd ?? 0,
		maxQueued,
		liveGrowth,
	};
}

const kind = process.argv[2];
if (kind !== "xscam" && kind !== "naive") throw new Error("usage: fan-out-run.ts xscam|naive");
process.stdout.write(JSON.stringify(await run(kind)) + "\n");
