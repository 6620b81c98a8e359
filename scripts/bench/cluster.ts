// Benchmark 7: frames through a fleet (a 3-node NATS cluster on loopback, hosttest/cluster/helpers/)
// against one receiver, in the same run. Three receivers, each in its own process: A and B of the
// fleet, and one without --cluster; the camera and the viewer in this process, so both stamp on one
// clock (stamped-camera.ts). One receiver: the camera and the viewer on the one without --cluster.
// Held on the viewer's receiver: both on A (what a fleet's receiver costs where nothing crosses NATS).
// Through the cluster: the camera on B, the viewer on A, every frame one hop B -> NATS -> A more. Each at a fixed rate (the frame age: capture to whole part at the viewer,
// p50 and p99; the hop is the difference) and at a rate the path cannot keep (frames/s delivered),
// alternating one receiver and the cluster, REPETITIONS times.

import { loadavg } from "node:os";
import { Fleet } from "../../hosttest/cluster/helpers/fleet";
import { fillerJpegs, StampedCamera } from "./stamped-camera";
import { quantile } from "./stats";
import { StreamViewer } from "./stream-viewer";

export const FRAME_BYTES = 40_000;
/** A camera's rate (the firmware's highest is 25 fps at VGA), and one no path here keeps up with. */
export const STEADY_FPS = 25;
export const FLOOD_FPS = 400;
export const WARM_UP_MS = 2000;
export const WINDOW_MS = 8000;
export const REPETITIONS = 3;

/** A receiver without --cluster; a fleet's receiver with the camera and viewer on it; the camera on B and the viewer on A. */
export const CLUSTER_MODES = ["one receiver", "held on the viewer's receiver", "through the cluster"] as const;
export type ClusterMode = (typeof CLUSTER_MODES)[number];

export interface ClusterRun {
	mode: ClusterMode;
	offeredFps: number;
	/** Frames the camera wrote, and skipped because its socket still held the last one. */
	cameraFps: number;
	cameraSkipped: number;
	viewerFps: number;
	ageP50Ms: number;
	ageP99Ms: number;
}

export interface ClusterResult {
	frameBytes: number;
	windowMs: number;
	warmUpMs: number;
	repetitions: number;
	loadBefore: number;
	loadAfter: number;
	runs: ClusterRun[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(fleet: Fleet, mode: ClusterMode, offeredFps: number, camera: string): Promise<ClusterRun> {
	const [viewed, held] = { "one receiver": ["solo", "solo"], "held on the viewer's receiver": ["a", "a"], "through the cluster": ["a", "b"] }[mode]
		.map((id) => fleet.receivers.get(id)!);
	const source = await StampedCamera.online(held.ingestPort, camera);
	source.start(offeredFps, fillerJpegs(FRAME_BYTES));
	for (;;) { // until the viewer's receiver lists the camera: at once where it is held, after the holder's first status elsewhere
		const status = await fetch(viewed.base + "/api/cameras/" + camera).then((response) => response.json() as Promise<{ online?: boolean }>, () => undefined);
		if (status?.online) break;
		await sleep(50);
	}
	const viewer = await StreamViewer.open(viewed.httpPort, "/cameras/" + camera + "/stream.mjpeg", false);
	await sleep(WARM_UP_MS);
	const from = performance.now();
	const [sent, skipped] = [source.sent, source.skipped];
	await sleep(WINDOW_MS);
	const to = performance.now();
	const ages = viewer.arrivals.filter((arrival) => arrival.at >= from && arrival.at < to).map((arrival) => arrival.age);
	viewer.close();
	source.close();
	await sleep(500);
	return {
		mode, offeredFps, cameraFps: (source.sent - sent) * 1000 / (to - from), cameraSkipped: source.skipped - skipped,
		viewerFps: ages.length * 1000 / (to - from), ageP50Ms: quantile(ages, 0.5), ageP99Ms: quantile(ages, 0.99),
	};
}

export async function benchCluster(): Promise<ClusterResult> {
	const loadBefore = loadavg()[0];
	const fleet = await Fleet.start();
	try {
		await Promise.all(["a", "b", "solo"].map((id) => fleet.startReceiver(id, { record: false, insecureCameras: true, alone: id === "solo" })));
		const runs: ClusterRun[] = [];
		let n = 0;
		for (let repetition = 0; repetition < REPETITIONS; repetition++)
			for (const offeredFps of [STEADY_FPS, FLOOD_FPS])
				for (const mode of CLUSTER_MODES) runs.push(await run(fleet, mode, offeredFps, "bench" + n++));
		return { frameBytes: FRAME_BYTES, windowMs: WINDOW_MS, warmUpMs: WARM_UP_MS, repetitions: REPETITIONS, loadBefore, loadAfter: loadavg()[0], runs };
	}
	finally {
		await fleet.stop();
	}
}
