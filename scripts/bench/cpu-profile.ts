// The functions a V8 CPU profile (the profiler behind node --cpu-prof, here run through node:inspector
// for a window of its own) spent the most self time in, as a Markdown table. Self time is the time
// sampled in the function itself, not in what it called; one function's nodes (one per call path) are
// added up. Shares are of the busy samples: "(idle)" (waiting for I/O) is left out of the total and
// given on its own.

import { relative } from "node:path";
import type { Profiler } from "node:inspector";

const IDLE = "(idle)";

function nameOf({ callFrame: { functionName, url } }: Profiler.ProfileNode): string {
	const file = url.startsWith("file://") ? relative(process.cwd(), new URL(url).pathname) : url;
	return (functionName || "(anonymous)") + (file === "" ? "" : " (" + file + ")");
}

export function topSelfTime(profile: Profiler.Profile, rows: number): string {
	const hits = new Map<number, number>();
	for (const id of profile.samples ?? []) hits.set(id, (hits.get(id) ?? 0) + 1);
	const byName = new Map<string, number>();
	for (const node of profile.nodes) byName.set(nameOf(node), (byName.get(nameOf(node)) ?? 0) + (hits.get(node.id) ?? 0));
	const idle = byName.get(IDLE) ?? 0;
	byName.delete(IDLE);
	const busy = [...byName.values()].reduce((sum, count) => sum + count, 0);
	const top = [...byName].sort((a, b) => b[1] - a[1]).slice(0, rows);
	return "| self time, % of busy samples | function (file) |\n| --- | --- |\n" +
		top.map(([name, count]) => "| " + (count / busy * 100).toFixed(1) + " | `" + name + "` |\n").join("") +
		"\n" + busy + " busy samples, " + idle + " idle (" + (idle / (busy + idle) * 100).toFixed(0) + "% of the window)\n";
}
