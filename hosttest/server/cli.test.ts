// xscam-server as a person runs it: one line and a non-zero exit where it cannot go on, and Ctrl-C
// then a second start on the same ports at once.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it, vi } from "vitest";

// Each test starts Node with tsx, which alone can take seconds on a loaded machine: the bound only turns a hang into a failure.
vi.setConfig({ testTimeout: 60_000 });

const BIN = fileURLToPath(new URL("../../bin/xscam-server.js", import.meta.url));

interface Run {
	code: number | null;
	stdout: string;
	stderr: string;
}

/** Runs the command; `until` (given the output so far) says when to send SIGINT. */
function run(args: string[], until?: (stdout: string) => boolean): Promise<Run> {
	return new Promise((resolve) => {
		const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, XSCAM_LOG_LEVEL: "info" } });
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (chunk) => {
			stdout += chunk;
			if (until?.(stdout)) child.kill("SIGINT");
		});
		child.stderr.on("data", (chunk) => { stderr += chunk; });
		child.on("close", (code) => resolve({ code, stdout, stderr }));
	});
}

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe("xscam-server", () => {
	it("exits 2 with one line for a bad flag value", async () => {
		const { code, stdout, stderr } = await run(["--retention-size", "lots"]);
		expect(code).toBe(2);
		expect(stderr).toBe("xscam-server: invalid option --retention-size: must be a size from 1MiB to 1024TiB, or 0 for no limit, got \"lots\"\n");
		expect(stdout).toBe("");
	});

	it("exits 1 with one line when a port is in use", async () => {
		const busy = createServer();
		const port = await new Promise<number>((resolve) => busy.listen(0, "127.0.0.1", () => resolve((busy.address() as { port: number }).port)));
		const { code, stderr, stdout } = await run(["--host", "127.0.0.1", "--ingest-port", String(port), "--http-port", "0"]);
		busy.close();
		expect(code).toBe(1);
		expect(stderr).toBe("xscam-server: ingest port " + port + " is already in use on 127.0.0.1\n");
		noStack(stdout);
	});

	it("closes cleanly on Ctrl-C, and starts again on the same ports at once", async () => {
		const args = ["--host", "127.0.0.1", "--ingest-port", String(await freePort()), "--http-port", String(await freePort())];
		for (let round = 0; round < 2; round++) {
			const { code, stdout, stderr } = await run(args, (out) => out.includes("xscam receiver listening"));
			expect(code, stderr).toBe(0);
			expect(stdout).toContain("\"msg\":\"xscam receiver closed\"");
			expect(stderr).toBe("");
		}
	}, 30_000); // two starts of a Node process that compiles TypeScript: seconds each on a loaded 2-core machine

	it("prints its help", async () => {
		const { code, stdout } = await run(["--help"]);
		expect(code).toBe(0);
		for (const flag of ["--ingest-port", "--http-port", "--host", "--max-body-bytes", "--ping-interval", "--hello-timeout",
			"--viewer-stall-timeout", "--recording-dir", "--record", "--record-cameras", "--segment-length", "--retention-age",
			"--retention-size", "--mqtt", "--mqtt-username", "--mqtt-password-file", "--mqtt-prefix", "--mqtt-snapshot-interval",
			"--log-level"]) expect(stdout).toContain(flag);
	});
});
