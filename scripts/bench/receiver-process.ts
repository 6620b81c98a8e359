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

const counted = (read: (frames: { received: number; lost: number }) => number) => receiver.list().reduce((sum, camera) => sum + read(camera.frames), 0);
let [framesFrom, lostFrom] = [0, 0];
answerMeasures(() => { [framesFrom, lostFrom] = [counted((frames) => frames.received), counted((frames) => frames.lost)]; },
	() => {
		const latencies = receiver.list().flatMap((camera) => camera.latencyMs ?? []);
		return {
			frames: counted((frames) => frames.received) - framesFrom, lost: counted((frames) => frames.lost) - lostFrom,
			latencyP50Ms: quantile(latencies, 0.5), latencyP99Ms: quantile(latencies, 0.99),
		};
	}, () => receiver.close());
