// A benchmark's run and the processes it forks (receiver-process.ts, byte-sink.ts, frame-flood.ts): each
// a TypeScript file run through tsx, its stderr inherited, talking over the IPC channel.

import { fork, type ChildProcess } from "node:child_process";

/** Forks `script` with `args`. */
export function forkScript(script: string, args: string[] = []): ChildProcess {
	return fork(script, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
}

/**
 * The child's next message; rejects if its process ends first (its stderr, inherited, says why), or, with
 * `timeoutMs`, if it has not answered by then (a child whose event loop is blocked never answers).
 */
export function nextMessage<Message>(child: ChildProcess, timeoutMs = Infinity): Promise<Message> {
	const command = "node " + child.spawnargs.slice(1).join(" ");
	return new Promise<Message>((resolve, reject) => {
		const exited = (code: number | null) => settle(() => reject(new Error("bench: " + command + " exited with " + code)));
		const answered = (message: unknown) => settle(() => resolve(message as Message));
		const timer = Number.isFinite(timeoutMs)
			? setTimeout(() => settle(() => reject(new Error("bench: " + command + " did not answer within " + timeoutMs + " ms"))), timeoutMs)
			: undefined;
		const settle = (outcome: () => void) => {
			clearTimeout(timer);
			child.off("exit", exited);
			child.off("message", answered);
			outcome();
		};
		child.once("exit", exited);
		child.once("message", answered);
	});
}

export function cpuPercent(cpuMs: number, wallMs: number): number {
	return cpuMs / wallMs * 100;
}
