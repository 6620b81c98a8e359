// The side of a benchmark's child process that its run measures (receiver-process.ts, byte-sink.ts,
// frame-flood.ts), over the IPC channel: "measure" starts the counts (CPU, and the event loop's delay:
// how late the process got to what was ready for it), "report" answers with them and with what the
// process itself counted; when the run then closes the channel, the process lets go of everything and
// ends. Stopping waits for that, so that no side stops before every side has reported.

import { quantile } from "./stats";

/** How often the event loop's delay is sampled. */
const LAG_PROBE_MS = 10;

/**
 * How late a timer due every LAG_PROBE_MS runs, beyond its time, counting a lateness still going on at
 * the report. Not perf_hooks' monitorEventLoopDelay: in a receiver saturated by its reads (benchmark 8 at
 * 3,000 cameras) no timer ran for seconds, so it recorded no sample and its percentiles read 0.
 */
class LagProbe {
	#lateness: number[] = [];
	#due = 0;
	#timer: NodeJS.Timeout | undefined;

	start(): void {
		this.#lateness = [];
		clearInterval(this.#timer);
		this.#due = performance.now() + LAG_PROBE_MS;
		this.#timer = setInterval(() => {
			const now = performance.now();
			this.#lateness.push(Math.max(0, now - this.#due));
			this.#due = now + LAG_PROBE_MS; // setInterval counts the next interval from this callback
		}, LAG_PROBE_MS).unref();
	}

	/** The 99th percentile of the lateness since start(), the timer's wait so far included, ms. */
	p99(): number {
		return quantile([...this.#lateness, Math.max(0, performance.now() - this.#due)], 0.99);
	}
}

export type MeasureCommand = "measure" | "report";

export interface ProcessReport {
	/** CPU time (user and system, all threads) the process used since "measure", in ms. */
	cpuMs: number;
	/** Wall time since "measure", in ms. */
	wallMs: number;
	/** The 99th percentile of the event loop's delay since "measure" (how late a 10 ms timer ran), in ms. */
	loopDelayP99Ms: number;
	/** The process's resident memory at the report, in bytes. */
	rssBytes: number;
}

/**
 * Answers the commands: on "measure", `start()` too; on "report", the counts with `counted()`'s. Once
 * the run closes the channel, `stop()`.
 */
export function answerMeasures<Counted extends object>(start: () => void, counted: () => Counted, stop: () => Promise<void>): void {
	const loopDelay = new LagProbe();
	let cpuFrom = process.cpuUsage();
	let wallFrom = performance.now();
	process.on("message", async (command: MeasureCommand) => {
		if (command === "measure") {
			cpuFrom = process.cpuUsage();
			wallFrom = performance.now();
			loopDelay.start();
			start();
			return;
		}
		const { user, system } = process.cpuUsage(cpuFrom);
		const report: ProcessReport = { cpuMs: (user + system) / 1000, wallMs: performance.now() - wallFrom, loopDelayP99Ms: loopDelay.p99(), rssBytes: process.memoryUsage.rss() };
		process.send!({ ...report, ...counted() });
	});
	process.once("disconnect", () => void stop());
}
