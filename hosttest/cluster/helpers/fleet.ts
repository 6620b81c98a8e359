// A fleet for the tests and the benchmark: a real 3-node NATS cluster (nats-cluster.ts) and receivers,
// each in its own process (fleet-receiver.ts), started, killed and read over HTTP.

import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FleetReceiverConfig } from "./fleet-receiver";
import { NatsCluster } from "./nats-cluster";

const CHILD = fileURLToPath(new URL("./fleet-receiver.ts", import.meta.url));

export interface FleetReceiver {
	id: string;
	ingestPort: number;
	httpPort: number;
	rtspPort: number;
	recordingDir: string;
	log: string;
	child: ChildProcess;
	base: string;
}

export class Fleet {
	readonly nats: NatsCluster;
	readonly dir: string;
	readonly receivers = new Map<string, FleetReceiver>();

	private constructor(nats: NatsCluster, dir: string) {
		this.nats = nats;
		this.dir = dir;
	}

	static async start(): Promise<Fleet> {
		return new Fleet(await NatsCluster.start(), mkdtempSync(join(tmpdir(), "xscam-fleet-")));
	}

	/** Starts receiver `id` in its own process, on the whole cluster. */
	startReceiver(id: string, options: Pick<FleetReceiverConfig, "record" | "insecureCameras" | "alone"> = {}): Promise<FleetReceiver> {
		const recordingDir = join(this.dir, id, "recordings");
		mkdirSync(recordingDir, { recursive: true });
		const log = join(this.dir, id + ".log");
		const config: FleetReceiverConfig = { id, cluster: this.nats.url, recordingDir, log, ...options };
		const child = spawn(process.execPath, ["--import", "tsx", CHILD, JSON.stringify(config)], { stdio: ["ignore", "pipe", "inherit"] });
		return new Promise((resolve, reject) => {
			let out = "";
			child.stdout!.on("data", (chunk) => {
				out += chunk;
				if (!out.includes("\n")) return;
				const ports = JSON.parse(out) as { ingestPort: number; httpPort: number; rtspPort: number };
				const receiver = { id, ...ports, recordingDir, log, child, base: "http://127.0.0.1:" + ports.httpPort };
				this.receivers.set(id, receiver);
				resolve(receiver);
			});
			child.once("exit", (code) => reject(new Error("receiver " + id + " exited with " + code + ":\n" + this.logOf(id))));
		});
	}

	logOf(id: string): string {
		try {
			return readFileSync(join(this.dir, id + ".log"), "utf8");
		}
		catch {
			return "";
		}
	}

	/** Stops receiver `id` (SIGSTOP: hung, still connected to NATS) or lets it go on (SIGCONT). */
	signal(id: string, signal: "SIGSTOP" | "SIGCONT"): void {
		this.receivers.get(id)!.child.kill(signal);
	}

	/** Kills receiver `id` at once (SIGKILL): nothing is closed or given back. */
	async kill(id: string): Promise<void> {
		const { child } = this.receivers.get(id)!;
		if (child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once("exit", resolve));
		child.kill("SIGKILL");
		child.kill("SIGCONT"); // a stopped process dies only once it runs
		await exited;
	}

	async stop(): Promise<void> {
		await Promise.all([...this.receivers.keys()].map((id) => this.kill(id)));
		await this.nats.stop();
		rmSync(this.dir, { recursive: true, force: true });
	}
}
