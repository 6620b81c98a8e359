// One benchmark run in a child process of its own (so that its heap, its event loop and its share of
// the cores are its own): the child prints its result as the last line of its stdout, in JSON.

import { spawn } from "node:child_process";

/** Runs `script` (TypeScript, through tsx) with `args` and resolves with the JSON of its last line of output. */
export function runJsonChild<Result>(script: string, args: string[], nodeFlags: string[] = []): Promise<Result> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [...nodeFlags, "--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "inherit"] });
		let output = "";
		child.stdout.on("data", (chunk: Buffer) => void (output += chunk.toString("utf8")));
		child.on("error", reject);
		child.on("close", (code) => {
			if (code === 0) resolve(JSON.parse(output.trim().split("\n").pop()!) as Result);
			else reject(new Error("bench: " + [script, ...args].join(" ") + " exited with " + code));
		});
	});
}
