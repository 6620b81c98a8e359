// A real NATS cluster on loopback for the fleet's tests and benchmark: Debian's nats-server, three
// nodes with JetStream (clustered JetStream needs a server name and a cluster block, so each node has a
// config file), random free ports, a temporary store per node. A node can be killed and started again
// on the same ports and store.

import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Fails with what to do when nats-server is missing: the fleet's tests are never skipped. */
export function requireNatsServer(): void {
	const found = spawnSync("nats-server", ["--version"], { encoding: "utf8" });
	if (found.error || found.status !== 0)
		throw new Error("nats-server is not installed: the fleet's tests run a real NATS cluster. Install it (Debian: apt-get install nats-server; .ci/run does)");
}

/** A free TCP port on loopback (free when asked: good enough for tests on one machine). */
export function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

interface Node {
	name: string;
	clientPort: number;
	routePort: number;
	config: string;
	child?: ChildProcess;
	log: string;
}

export class NatsCluster {
	readonly #dir: string;
	readonly #nodes: Node[];

	private constructor(dir: string, nodes: Node[]) {
		this.#dir = dir;
		this.#nodes = nodes;
	}

	/** Starts `size` nodes and resolves once each says it is ready (JetStream's leader may still be elected). */
	static async start(size = 3, name = "xscam-test"): Promise<NatsCluster> {
		requireNatsServer();
		const dir = mkdtempSync(join(tmpdir(), "xscam-nats-"));
		const ports: { client: number; route: number }[] = [];
		for (let i = 0; i < size; i++) ports.push({ client: await freePort(), route: await freePort() });
		const nodes = ports.map((port, i): Node => {
			const nodeName = "n" + (i + 1);
			const routes = ports.filter((_, j) => j !== i).map((other) => "nats-route://127.0.0.1:" + other.route);
			const config = join(dir, nodeName + ".conf");
			writeFileSync(config, [
				"server_name: " + nodeName,
				"listen: 127.0.0.1:" + port.client,
				"jetstream { store_dir: " + JSON.stringify(join(dir, nodeName)) + " }",
				"cluster {",
				"  name: " + name,
				"  listen: 127.0.0.1:" + port.route,
				"  routes: [" + routes.join(", ") + "]",
				"}",
			].join("\n") + "\n");
			return { name: nodeName, clientPort: port.client, routePort: port.route, config, log: "" };
		});
		const cluster = new NatsCluster(dir, nodes);
		await Promise.all(nodes.map((_, i) => cluster.startNode(i)));
		return cluster;
	}

	/** nats://127.0.0.1:<port> of every node, comma-separated: what --cluster takes. */
	get url(): string {
		return this.#nodes.map((node) => "nats://127.0.0.1:" + node.clientPort).join(",");
	}

	urlOf(index: number): string {
		return "nats://127.0.0.1:" + this.#nodes[index].clientPort;
	}

	/** Starts node `index` (again), resolving when it accepts clients. */
	startNode(index: number): Promise<void> {
		const node = this.#nodes[index];
		node.log = "";
		const child = node.child = spawn("nats-server", ["-c", node.config], { stdio: ["ignore", "ignore", "pipe"] });
		return new Promise((resolve, reject) => {
			child.stderr!.setEncoding("utf8");
			child.stderr!.on("data", (text: string) => {
				node.log += text;
				if (node.log.includes("Server is ready")) resolve();
			});
			child.once("exit", (code) => reject(new Error("nats-server " + node.name + " exited with " + code + ":\n" + node.log)));
		});
	}

	/** Kills node `index` at once (SIGKILL) and resolves when it is gone. */
	async killNode(index: number): Promise<void> {
		const child = this.#nodes[index].child;
		if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
		const exited = new Promise((resolve) => child.once("exit", resolve));
		child.kill("SIGKILL");
		await exited;
	}

	async stop(): Promise<void> {
		await Promise.all(this.#nodes.map((_, i) => this.killNode(i)));
		rmSync(this.#dir, { recursive: true, force: true });
	}
}
