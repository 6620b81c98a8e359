// The side of a benchmark's child process that its run measures (receiver-process.ts, byte-sink.ts,
// frame-flood.ts), over the IPC channel: "measure" starts the counts (CPU, and the event loop's delay:
// how late the process got to what was ready for it), "report" answers with them and with what the
// process itself counted; when the run then closes the channel, the process lets go of everything and
// ends. Stopping waits for that, so that no side stops before every side has reported.

import { monitorEventLoopDelay } from "node:perf_hooks";

export type MeasureCommand = "measure" | "report";

export interface ProcessReport {
	/** CPU time (user and system, all threads) the process used since "measure", in ms. */
	cpuMs: number;
	/** Wall time since "measure", in ms. */
	wallMs: number;
	/** The 99th percentile of the event loop's delay since "measure", in ms. */
	loopDelayP99Ms: number;
}

/**
 * Answers the commands: on "measure", `start()` too; on "report", the counts with `counted()`'s. Once
 * the run closes the channel, `stop()`.
 */
export function answerMeasures<Counted extends object>(start: () => void, counted: () => Counted, stop: () => Promise<void>): void {
	const loopDelay = monitorEventLoopDelay({ resolution: 10 });
	let cpuFrom = process.cpuUsage();
	let wallFrom = performance.now();
	process.on("message", async (command: MeasureCommand) => {
		if (command === "measure") {
			cpuFrom = process.cpuUsage();
			wallFrom = performance.now();
			loopDelay.enable();
			start();
			return;
		}
		const { user, system } = process.cpuUsage(cpuFrom);
		const report: ProcessReport = { cpuMs: (user + system) / 1000, wallMs: performance.now() - wallFrom, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
		process.send!({ ...report, ...counted() });
	});
	process.once("disconnect", () => void stop());
}
