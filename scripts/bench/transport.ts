// Benchmark 5: frames over UDP against TCP, side by side through the same faults (hosttest/net/: a TCP
// proxy whose lost segment comes a retransmission late with everything behind it, a UDP proxy whose
// lost datagram is gone), at each loss rate with the same delay: frames a second at the viewer and the
// age of what it sees. Each run is the firmware, the receiver and the viewer in a process of their own
// (transport-run.ts), one after the other.

import { runJsonChild } from "./child-json";

export const LOSSES = [0, 0.01, 0.05, 0.2];
export const DELAY_MS = 20;
export const WINDOW_MS = 10_000;
const RUN = new URL("transport-run.ts", import.meta.url).pathname;

export const FRAME_RATE = 20;
/** A VGA frame of the OV2640 at its default quality is 25 to 40 KB. */
export const JPEG_BYTES = 30_000;

export interface TransportRun {
	transport: "tcp" | "udp";
	loss: number;
	delayMs: number;
	/** Frames a second the viewer got whole. */
	fps: number;
	ageP50Ms: number;
	ageP99Ms: number;
	/** Frames the sensor captured in the window. */
	captured: number;
	/** Where UDP was paced to at the end (frames a second; null: not paced, or TCP). */
	pacedRate: number | null;
}

export async function benchTransport(): Promise<TransportRun[]> {
	const runs: TransportRun[] = [];
	for (const loss of LOSSES)
		for (const transport of ["tcp", "udp"])
			runs.push(await runJsonChild<TransportRun>(RUN, [transport, String(loss), String(DELAY_MS), String(WINDOW_MS)]));
	return runs;
}
