// One clock for the benchmark's processes. performance.now() counts from each process's own start, but
// it is process.hrtime() (CLOCK_MONOTONIC on Linux, one clock for the whole machine) less that start, so
// each process can say how far its performance.now() is from the machine's clock, and times taken in
// two processes (a frame published in the receiver's, received in the viewers') can be compared.

/** What to add to this process's performance.now() to read the machine's monotonic clock, in ms. */
export function sharedClockOffset(): number {
	let best = Infinity;
	let offset = 0;
	for (let tries = 0; tries < 10; tries++) { // the two readings closest together
		const before = performance.now();
		const machine = Number(process.hrtime.bigint()) / 1e6;
		const after = performance.now();
		if (after - before < best) {
			best = after - before;
			offset = machine - (before + after) / 2;
		}
	}
	return offset;
}
