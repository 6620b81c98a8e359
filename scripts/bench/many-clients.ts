// Benchmark 3: one camera's frames to 1, 10 and 100 clients of one kind at a time, MJPEG viewers or RTSP
// clients (RTP/JPEG over the RTSP connection), through the real receiver. Each kind and count is a run
// of its own (many-clients-run.ts), one after the other: wall-clock and CPU numbers, noisy like
// benchmark 2's.

import { fileURLToPath } from "node:url";
import { runJsonChild } from "./child-json";

export type ClientKind = "mjpeg" | "rtsp";
export const CLIENT_KINDS: readonly ClientKind[] = ["mjpeg", "rtsp"];
export const CLIENT_COUNTS: readonly number[] = [1, 10, 100];

/** What one run measured, over its window (after the warm-up). */
export interface ManyClientsRun {
	kind: ClientKind;
	clients: number;
	frameBytes: number;
	/** The camera's rate. */
	fps: number;
	/** Unmeasured, then measured. */
	warmUpMs: number;
	windowMs: number;
	/** Whole frames per second each client received: the mean over the clients, and the slowest client's. */
	clientFpsMean: number;
	clientFpsMin: number;
	/** ms from a frame's capture to a client having all of it, over every client's frames: median and 99th percentile. */
	ageP50Ms: number;
	ageP99Ms: number;
	/** Frames per second the camera wrote, and frames it skipped because its socket was still busy. */
	cameraFps: number;
	cameraSkipped: number;
	/** CPU time of the receiver's process per wall time, in % of one core. */
	receiverCpuPercent: number;
	/** How late the receiver's event loop ran what was due (99th percentile, ms): high when the receiver, not the clients, falls behind. */
	receiverLoopDelayP99Ms: number;
	/** The same for the run's own process (the camera and the clients), which shares the two cores. */
	clientsCpuPercent: number;
}

const RUN = fileURLToPath(new URL("many-clients-run.ts", import.meta.url));

/** Every run, by count then kind. */
export async function benchManyClients(): Promise<ManyClientsRun[]> {
	const runs: ManyClientsRun[] = [];
	for (const clients of CLIENT_COUNTS)
		for (const kind of CLIENT_KINDS) runs.push(await runJsonChild<ManyClientsRun>(RUN, [kind, String(clients)]));
	return runs;
}
