// The README's quick start, exactly as written there, in a fresh clone: its commands install everything
// and start the receiver with a simulated camera (the unchanged firmware on the Node host), and live
// frames are at http://localhost:8080 within a minute. Ctrl-C stops it and frees the ports, so a second
// `npm start` works at once. Chromium takes the README's screenshot of the live view on the way.
//
// The clone is of the committed HEAD: run this after committing (CI runs it on a clean clone of main).

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, expect, it } from "vitest";
import { OUTPUT_DIR } from "./feed";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The live view's one-time link and the streams' URLs with their token, as `npm start` printed them. */
const LIVE_VIEW = /live view: (http:\/\/localhost:8080\/\?login=[\w-]+)/;
const STREAM = /sim-1: (http:\/\/localhost:8080\/cameras\/sim-1\/stream\.mjpeg\?token=[\w-]+)/;
const RTSP = /(rtsp:\/\/npm-start:[\w-]+@localhost:8554\/sim-1)\n/;

const printed = (run: Run, pattern: RegExp) => pattern.exec(run.output.join(""))?.[1];

/** The shell block that follows the `<!-- quick-start -->` marker in README.md. */
function quickStartCommands(): string {
	const readme = readFileSync(join(ROOT, "README.md"), "utf8");
	const block = /<!-- quick-start -->\s*```sh\n([\s\S]*?)```/.exec(readme);
	if (!block) throw new Error("README.md has no ```sh block after <!-- quick-start -->");
	return block[1].trim();
}

async function portFree(port: number): Promise<boolean> {
	const server = createServer();
	return new Promise((resolve) => {
		server.once("error", () => resolve(false));
		server.listen(port, () => server.close(() => resolve(true)));
	});
}

interface Run {
	child: ChildProcess;
	output: string[];
	exited: Promise<number | null>;
}

/** Runs `command` in a shell of its own process group, as a terminal would. */
function run(command: string, cwd: string): Run {
	const child = spawn("bash", ["-c", command], { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, FORCE_COLOR: "0" } });
	const output: string[] = [];
	child.stdout!.on("data", (data) => output.push(String(data)));
	child.stderr!.on("data", (data) => output.push(String(data)));
	return { child, output, exited: new Promise((resolve) => child.once("exit", (code) => resolve(code))) };
}

/** Ctrl-C: SIGINT to the whole process group. */
function interrupt(child: ChildProcess): void {
	process.kill(-child.pid!, "SIGINT");
}

async function until(what: string, predicate: () => boolean, seconds: number, run?: Run): Promise<void> {
	const deadline = Date.now() + seconds * 1000;
	while (!predicate()) {
		if (Date.now() > deadline) throw new Error("no " + what + " within " + seconds + " s" + (run ? ":\n" + run.output.join("") : ""));
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
}

/** `promise`, or an error naming `what` after `seconds`. */
function within<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const timeout = new Promise<never>((_, reject) => {
		timer = setTimeout(() => reject(new Error("no " + what + " within " + seconds + " s")), seconds * 1000);
	});
	return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The first `count` JPEG parts of an MJPEG stream, by their Content-Length. */
function readFrames(url: string, count: number): Promise<Buffer[]> {
	return new Promise((resolve, reject) => {
		const request = get(url, (response) => {
			if (response.statusCode !== 200) {
				reject(new Error(url + " answered " + response.statusCode));
				request.destroy();
				return;
			}
			let pending = Buffer.alloc(0);
			const frames: Buffer[] = [];
			response.on("data", (data: Buffer) => {
				pending = Buffer.concat([pending, data]);
				for (;;) {
					const header = /Content-Length: *(\d+)\r\n\r\n/i.exec(pending.toString("latin1"));
					if (!header) return;
					const start = header.index + header[0].length;
					const length = Number(header[1]);
					if (pending.length < start + length) return;
					frames.push(pending.subarray(start, start + length));
					pending = pending.subarray(start + length);
					if (frames.length === count) {
						request.destroy();
						resolve(frames);
						return;
					}
				}
			});
		});
		request.on("error", reject);
	});
}

const clone = mkdtempSync(join(tmpdir(), "xscam-quick-start-"));
const runs: Run[] = [];

afterAll(async () => {
	for (const started of runs) {
		try {
			process.kill(-started.child.pid!, "SIGKILL"); // whatever of the group is left
		}
		catch {
			// ESRCH: nothing left
		}
	}
	rmSync(clone, { recursive: true, force: true });
});

it("runs the README's commands in a fresh clone: live frames at localhost:8080 within a minute, Ctrl-C, and again", async () => {
	const commands = quickStartCommands();
	expect(commands).toBe("npm install && npm start");
	for (const port of [8080, 8700, 8554]) expect(await portFree(port), "port " + port + " must be free for the README's commands").toBe(true);
	const cloned = spawnSync("git", ["clone", "--quiet", ROOT, clone], { encoding: "utf8" });
	expect(cloned.status, cloned.stderr).toBe(0);

	// 1. the README's commands, as written
	const first = run(commands, clone);
	runs.push(first);
	await until("npm install", () => first.output.join("").includes("starting the receiver"), 240, first);
	const started = Date.now();
	await until("live view URL", () => printed(first, LIVE_VIEW) !== undefined && printed(first, STREAM) !== undefined, 60, first);
	await until("the camera streaming", () => first.output.join("").includes("sim-1: streaming to"), 60, first);
	const stream = printed(first, STREAM)!;
	const frames = await within(readFrames(stream, 5), 60, "5 frames from " + stream);
	expect((Date.now() - started) / 1000).toBeLessThan(60);
	for (const frame of frames) {
		expect([frame[0], frame[1], frame[frame.length - 2], frame[frame.length - 1]]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
	}
	expect(new Set(frames.map((frame) => frame.toString("base64"))).size).toBe(5); // a moving pattern: all differ
	// the RTSP URL it printed plays too (ffmpeg, as an NVR would take it)
	const rtsp = spawnSync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-rtsp_transport", "tcp", "-i", printed(first, RTSP)!,
		"-frames:v", "3", "-f", "null", "-"], { encoding: "utf8", timeout: 30_000 });
	expect(rtsp.status, "ffmpeg on " + printed(first, RTSP) + ": " + rtsp.stderr).toBe(0);

	// 2. what a person sees, for the README
	const browser = await chromium.launch({
		executablePath: process.env.XSCAM_CHROMIUM ?? "/usr/bin/chromium",
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
			"--disable-component-update", "--disable-sync"],
	});
	try {
		const page = await browser.newPage({ viewport: { width: 760, height: 720 } });
		await page.goto(printed(first, LIVE_VIEW)!, { waitUntil: "domcontentloaded" }); // the one-time link logs the browser in
		await page.locator('article[data-camera="sim-1"] img.picture').evaluate((image) =>
			new Promise((resolve) => (image as unknown as { naturalWidth: number }).naturalWidth ? resolve(true) : image.addEventListener("load", resolve)));
		await page.waitForTimeout(2500); // the stats fill in every second
		writeFileSync(join(OUTPUT_DIR, "quick-start.png"), await page.screenshot());
	}
	finally {
		await browser.close();
	}

	// 3. Ctrl-C stops everything cleanly, with no stack trace (npm itself ends by the signal, as in a terminal)
	interrupt(first.child);
	await within(first.exited, 20, "exit after Ctrl-C");
	await until("a clean close", () => first.output.join("").includes("xscam receiver closed"), 5, first);
	expect(first.output.join("")).not.toMatch(/\n\s+at /);

	// 4. a second `npm start` works at once: the ports were released
	const second = run("npm start", clone);
	runs.push(second);
	await until("the camera streaming again", () => second.output.join("").includes("sim-1: streaming to") && printed(second, STREAM) !== undefined, 30, second);
	expect(await within(readFrames(printed(second, STREAM)!, 2), 60, "frames from the second start")).toHaveLength(2);
	interrupt(second.child);
	await within(second.exited, 20, "exit after the second Ctrl-C");
	await until("a clean close", () => second.output.join("").includes("xscam receiver closed"), 5, second);
}, 420_000);
