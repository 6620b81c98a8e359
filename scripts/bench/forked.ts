// A benchmark's run and the processes it forks (receiver-process.ts, byte-sink.ts, frame-flood.ts): each
// a TypeScript file run through tsx, its stderr inherited, talking over the IPC channel.

import { fork, type ChildProcess } from "node:child_process";

/** Forks `script` with `args`. */
export function forkScript(script: string, args: string[] = []): ChildProcess {
	return fork(script, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
}

/** The child's next message; rejects if its process ends first (its stderr, inherited, says why). */
export function nextMessage<Message>(child: ChildProcess): Promise<Message> {
	return new Promise((resolve, reject) => {
		const exited = (code: number | null) => reject(new Error("bench: node " + child.spawnargs.slice(1).join(" ") + " exited with " + code));
		child.once("exit", exited);
		child.once("message", (message) => {
			child.off("exit", exited);
			resolve(message as Message);
		});
	});
}

export function cpuPercent(cpuMs: number, wallMs: number): number {
	return cpuMs / wallMs * 100;
}
