// The receiver of the many-clients benchmark, alone in a process forked by its run (many-clients-run.ts),
// so that what it spends is its own: the run's camera and clients parse every byte the receiver writes,
// and in one process they would share its event loop (adding their work to the frames' age) and its
// CPU count. Over the IPC channel: it sends its ports once started; "measure" starts the counts (CPU,
// and the event loop's delay: how late the receiver got to what was ready for it), "report" answers
// with them and closes the receiver, and the process ends.

import { monitorEventLoopDelay } from "node:perf_hooks";
import { benchReceiver } from "./bench-receiver";

export interface ReceiverStarted {
	ports: { ingestPort: number; httpPort: number; rtspPort: number };
}

export interface ReceiverReport {
	/** CPU time (user and system, all threads) the receiver's process used since "measure", in ms. */
	cpuMs: number;
	/** Wall time since "measure", in ms. */
	wallMs: number;
	/** The 99th percentile of the event loop's delay since "measure", in ms. */
	loopDelayP99Ms: number;
}

export type ReceiverCommand = "measure" | "report";

const send = (message: ReceiverStarted | ReceiverReport) => process.send!(message);
const receiver = benchReceiver();
send({ ports: await receiver.start() });

const loopDelay = monitorEventLoopDelay({ resolution: 10 });
let cpuFrom = process.cpuUsage();
let wallFrom = performance.now();
process.on("message", async (command: ReceiverCommand) => {
	if (command === "measure") {
		cpuFrom = process.cpuUsage();
		wallFrom = performance.now();
		loopDelay.enable();
		return;
	}
	const { user, system } = process.cpuUsage(cpuFrom);
	send({ cpuMs: (user + system) / 1000, wallMs: performance.now() - wallFrom, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 });
	await receiver.close();
	process.disconnect();
});
