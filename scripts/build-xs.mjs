#!/usr/bin/env node
// Builds the XS engine of the host tier: xsnap-worker, release only, from the C sources the npm package
// @agoric/xsnap carries (its own install script is denied in package.json `allowScripts`, so nothing is
// built at install and nothing here depends on npm's install-script policy). Idempotent: when
// build/xs/xsnap-worker exists and reports the package's version, it does nothing.
//
// Two tricks from reference/xs-engine-on-host.md §2: xsnap-worker.mk adds `--silent` to MAKEFLAGS, which
// keeps GNU make 4.3 from running -j in parallel unless VERBOSE=1; and CC must carry its -D quoted for
// /bin/sh, exactly `cc "-D__has_builtin(x)=1"`.
//
// Concurrent runs (two vitest processes in one checkout) each build in their own scratch directory and
// rename the binary into place, so a half-written binary is never seen.
//
// Usage: node scripts/build-xs.mjs   (npm run build:xs; the XS test tier runs it in its globalSetup)

import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const xsnap = join(root, "node_modules", "@agoric", "xsnap");
/** hosttest/xs/engine.ts names the same path. */
export const XSNAP_WORKER = join(root, "build", "xs", "xsnap-worker");

function fail(message) {
	process.stderr.write("build-xs: " + message + "\n");
	process.exit(1);
}

function builtVersion() {
	if (!existsSync(XSNAP_WORKER)) return undefined;
	try {
		// "xsnap 0.15.0 (XS 13.3.0)"; -v exits before the engine allocates anything
		return execFileSync(XSNAP_WORKER, ["-v"], { encoding: "utf8" }).split(" ")[1];
	}
	catch {
		return undefined; // not runnable: build it again
	}
}

function has(command) {
	try {
		execFileSync("sh", ["-c", "command -v " + command], { stdio: "ignore" });
		return true;
	}
	catch {
		return false;
	}
}

if (!existsSync(join(xsnap, "package.json"))) fail("@agoric/xsnap is not installed: run npm ci");
const version = JSON.parse(readFileSync(join(xsnap, "package.json"), "utf8")).version;
if (builtVersion() === version) process.exit(0);

for (const tool of ["cc", "make"]) if (!has(tool)) fail("the XS tier builds its engine with `" + tool + "`, which is not installed (gcc >= 10 and GNU make)");

const started = Date.now();
const scratch = join(root, "build", "xs", "tmp-" + process.pid);
process.stderr.write("build-xs: building xsnap-worker " + version + " (release) in " + scratch + "\n");
try {
	mkdirSync(scratch, { recursive: true });
	execFileSync("make", [
		"-j" + availableParallelism(), "VERBOSE=1", "-f", "xsnap-worker.mk",
		"GOAL=release", "MODDABLE=" + join(xsnap, "moddable"), "BUILD_DIR=" + scratch, "XSNAP_VERSION=" + version,
		"CC=cc \"-D__has_builtin(x)=1\"", "EXTRA_DEPS=",
	], { cwd: join(xsnap, "xsnap-native", "xsnap", "makefiles", "lin"), stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
	const built = join(scratch, "bin", "lin", "release", "xsnap-worker");
	const staged = XSNAP_WORKER + ".tmp-" + process.pid;
	mkdirSync(dirname(XSNAP_WORKER), { recursive: true });
	copyFileSync(built, staged);
	renameSync(staged, XSNAP_WORKER);
}
catch (error) {
	// gcc warns about the -D above in every file; the compiler's output is shown only when the build fails
	if (error.stderr) process.stderr.write(error.stderr);
	fail("make failed (" + error.message.split("\n")[0] + ")");
}
finally {
	rmSync(scratch, { recursive: true, force: true });
}
if (builtVersion() !== version) fail(XSNAP_WORKER + " does not report version " + version);
process.stderr.write("build-xs: built " + XSNAP_WORKER + " in " + ((Date.now() - started) / 1000).toFixed(1) + " s\n");
