// The real receiver (bench-receiver.ts) alone in a process forked by a benchmark's run (many-clients-run.ts,
// ingest.ts), so that what it spends is its own: the run's camera and clients parse every byte the
// receiver writes, and in one process they would share its event loop (adding their work to the frames'
// age) and its CPU count. Over the IPC channel it sends its ports once started, then answers "measure"
// and "report" (measured-process.ts) and closes the receiver.

import { benchReceiver } from "./bench-receiver";
import { answerMeasures, type ProcessReport } from "./measured-process";

export interface ReceiverStarted {
	ports: { ingestPort: number; httpPort: number; rtspPort: number };
}

export interface ReceiverReport extends ProcessReport {
	/** Frames the receiver took, from all its cameras, since "measure". */
	frames: number;
}

const receiver = benchReceiver();
process.send!({ ports: await receiver.start() } satisfies ReceiverStarted);

const framesTaken = () => receiver.list().reduce((sum, camera) => sum + camera.frames.received, 0);
let framesFrom = 0;
answerMeasures(() => { framesFrom = framesTaken(); }, () => ({ frames: framesTaken() - framesFrom }), () => receiver.close());
