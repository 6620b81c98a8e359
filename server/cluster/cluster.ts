// registerCluster(): with --cluster nats://…, this receiver is one of a fleet that shares its cameras
// through NATS (docs/architecture.md, "The fleet"). A camera connects to any receiver; the one that
// holds it (lease.ts, the registry in JetStream KV) publishes its frames, status and snapshot
// (holding.ts); every receiver serves every camera, the others' as relayed cameras of its own registry
// (relay.ts). Only the holder records a camera: the recorder takes `frames`, the held cameras' frames.
// Without --cluster this part is not registered, and fleet.ts, which loads the NATS client, never loaded.

import { hostname } from "node:os";
import { FrameBus } from "../cameras/frame-bus";
import type { Core, Part } from "../core";
import { gauge } from "../metrics";
import { withoutUserinfo } from "../options";
import type { Fleet } from "./fleet";

export interface ClusterPart extends Part {
	/** The frames of the cameras held here, for the recorder. */
	readonly frames: FrameBus;
}

/** This receiver's id in the fleet: --receiver-id, or the host name and ingest port (the process id with an ephemeral port). */
export function receiverIdOf(given: string, ingestPort: number): string {
	if (given !== "") return given;
	const host = hostname().replace(/[^A-Za-z0-9_.-]/g, "-").replace(/^[^A-Za-z0-9]+/, "") || "receiver";
	return (host + "-" + (ingestPort || process.pid)).slice(-32);
}

export function registerCluster(core: Core, viewersOf: (camera: string) => number): ClusterPart {
	const { options, registry } = core;
	const frames = new FrameBus();
	let fleet: Fleet | undefined;
	gauge(registry, "xscam_cluster_connected", "1 while the receiver is connected to its NATS cluster", [], (report) => report({}, fleet?.connected ? 1 : 0));
	gauge(registry, "xscam_cluster_cameras_held", "Cameras this receiver holds for the fleet", [], (report) => report({}, fleet?.held ?? 0));
	gauge(registry, "xscam_cluster_cameras_relayed", "Cameras other receivers hold, served here", [], (report) => report({}, fleet?.relayed ?? 0));
	return {
		frames,
		async start() {
			const { joinFleet } = await import("./fleet");
			const me = receiverIdOf(options.receiverId, options.ingestPort);
			fleet = await joinFleet(core, me, viewersOf, frames, options.cluster.map(withoutUserinfo).join(","));
		},
		async close() {
			await fleet?.close();
		},
	};
}
