// The real receiver (bench-receiver.ts) alone in a process forked by a benchmark's run (many-clients-run.ts,
// ingest.ts), so that what it spends is its own: the run's camera and clients parse every byte the
// receiver writes, and in one process they would share its event loop (adding their work to the frames'
// age) and its CPU count. Over the IPC channel it sends its ports once started, then answers "measure"
// and "report" (measured-process.ts) and closes the receiver.

import { benchReceiver } from "./bench-receiver";
import { answerMeasures, type ProcessReport } from "./measured-process";
import { quantile } from "./stats";

export interface ReceiverStarted {
	ports: { ingestPort: number; httpPort: number; rtspPort: number };
}

export interface ReceiverReport extends ProcessReport {
	/** Frames the receiver took, from all its cameras, since "measure". */
	frames: number;
	/** Frames missing from its cameras' sequence numbers since "measure". */
	lost: number;
	/** Capture to arrival of each camera's latest frame at the report (ms, the cameras' Date.now() stamps): median and 99th percentile over the cameras. */
	latencyP50Ms: number;
	latencyP99Ms: number;
}

const receiver = benchReceiver();
process.send!({ ports: await receiver.start() } satisfies ReceiverStarted);

/** The cameras' frames taken and lost so far, and the latency of each one's latest frame, from one listing. */
function totals(): { received: number; lost: number; latencies: number[] } {
	const cameras = receiver.list();
	return {
		received: cameras.reduce((sum, camera) => sum + camera.frames.received, 0),
		lost: cameras.reduce((sum, camera) => sum + camera.frames.lost, 0),
		latencies: cameras.flatMap((camera) => camera.latencyMs ?? []),
	};
}
let from = totals();
answerMeasures(() => { from = totals(); }, () => {
	const now = totals();
	return {
		frames: now.received - from.received, lost: now.lost - from.lost,
		latencyP50Ms: quantile(now.latencies, 0.5), latencyP99Ms: quantile(now.latencies, 0.99),
	};
}, () => receiver.close());
