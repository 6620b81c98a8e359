// Builds the XS engine before the tier's tests run: scripts/build-xs.mjs, in its own process (it is a
// no-op when build/xs/xsnap-worker is current; the first build takes about 15 to 40 s).

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export default function setup(): void {
	execFileSync(process.execPath, [fileURLToPath(new URL("../../scripts/build-xs.mjs", import.meta.url))], { stdio: "inherit" });
}
