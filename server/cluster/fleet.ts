// The fleet once connected: the NATS connection, the registry's bucket and this receiver's heartbeat,
// the cameras it holds (holding.ts) and those it relays (relay.ts). Loaded by cluster.ts only when
// --cluster is given, so a receiver on its own never loads a NATS module.

import { connect, errors, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import { Kvm, KvWatchInclude, type KV } from "@nats-io/kv";
import type { FrameBus } from "../cameras/frame-bus";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { Holdings } from "./holding";
import { HEARTBEAT_MS, Leases, RELEASE_TIMEOUT_MS, type LeaseStore, type ReleaseAnswer } from "./lease";
import { causeOf, Relays } from "./relay";
import { fleetNames, idOf, type FleetNames } from "./subjects";

/** How long start() waits for the cluster's JetStream (its leader is elected in the first seconds of a new cluster). */
const BUCKET_WAIT_MS = 30_000;
/** How long a registry operation may take before it counts as failed (a NATS node died under it: the client moves to another). */
const KV_TIMEOUT_MS = 2000;
/** How long close() lets the client flush what it has before it is cut. */
const DRAIN_MS = 2000;

const isWrongRevision = (error: unknown) => error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamWrongLastSequence;

/** The lease store over the bucket: compare-and-set writes, a lost race as undefined. */
function kvStore(kv: KV, names: FleetNames): LeaseStore {
	const live = async (key: string) => {
		const entry = await kv.get(key);
		return entry === null || entry.operation !== "PUT" ? undefined : entry;
	};
	return {
		async holding(camera) {
			const entry = await live(names.cameraKey(camera));
			const holder = entry && holderIn(entry);
			// a value that names nobody holds nothing; the next write replaces it, revision checked
			return holder === undefined ? undefined : { holder, revision: entry!.revision };
		},
		async take(camera, holder, revision) {
			const key = names.cameraKey(camera);
			const value = JSON.stringify({ holder });
			try {
				return revision === undefined ? await kv.create(key, value) : await kv.update(key, value, revision);
			}
			catch (error) {
				if (isWrongRevision(error)) return undefined;
				throw error;
			}
		},
		async drop(camera, revision) {
			await kv.delete(names.cameraKey(camera), { previousSeq: revision }).catch((error) => {
				if (!isWrongRevision(error)) throw error; // someone else's now: not ours to drop
			});
		},
		heartbeat: async (receiver) => (await live(names.receiverKey(receiver)))?.revision,
	};
}

/** Creates the bucket, or opens the one another receiver created, once JetStream answers. */
async function openBucket(nc: NatsConnection, bucket: string, replicas: number, now: () => number): Promise<KV> {
	const kvm = new Kvm(jetstream(nc, { timeout: KV_TIMEOUT_MS }));
	const until = now() + BUCKET_WAIT_MS;
	for (;;) {
		try {
			return await kvm.create(bucket, { replicas, history: 1 });
		}
		catch (error) {
			if (error instanceof JetStreamApiError && /already in use/.test(error.message)) return kvm.open(bucket);
			if (now() >= until) throw error;
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

export interface Fleet {
	readonly held: number;
	readonly relayed: number;
	readonly connected: boolean;
	close(): Promise<void>;
}

/**
 * Joins the fleet as receiver `me` through `servers` (shown as `shown` in errors); `frames` gets the
 * frames of the cameras held here. Throws XSCAM_ERR_CLUSTER when NATS or its JetStream cannot be used.
 */
export async function joinFleet(core: Core, me: string, viewersOf: (camera: string) => number, frames: FrameBus, shown: string): Promise<Fleet> {
	const { options, log, clock } = core;
	const names = fleetNames(options.clusterName);
	let nc: NatsConnection;
	try {
		// the servers in the order given; the client reconnects for ever, to any of them or of those the cluster announces
		nc = await connect({ servers: options.cluster, name: "xscam " + me, noRandomize: true, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
	}
	catch (error) {
		throw xscamError("XSCAM_ERR_CLUSTER", shown, (error as Error).message);
	}
	let linked = true;
	void (async () => {
		for await (const status of nc.status()) {
			if (status.type === "disconnect") log.warn({ server: status.server }, "fleet: lost NATS server " + status.server + ", reconnecting");
			else if (status.type === "reconnect") log.info({ server: status.server }, "fleet: connected to NATS server " + status.server);
			if (status.type === "disconnect" || status.type === "reconnect") linked = status.type === "reconnect";
		}
	})();
	let kv: KV;
	try {
		kv = await openBucket(nc, names.bucket, Math.min(3, options.cluster.length), () => clock.now());
	}
	catch (error) {
		await nc.close();
		throw xscamError("XSCAM_ERR_CLUSTER", shown, "its JetStream key-value bucket " + names.bucket + ": " + (error as Error).message);
	}
	const ask = async (holder: string, camera: string): Promise<ReleaseAnswer> => {
		try {
			await nc.request(names.release(holder), JSON.stringify({ camera, by: me }), { timeout: RELEASE_TIMEOUT_MS });
			return "released";
		}
		catch (error) {
			return causeOf(error) instanceof errors.NoRespondersError ? "gone" : "silent";
		}
	};
	const store = kvStore(kv, names);
	const link = { nc, names, me, linked: () => linked };
	const holdings = new Holdings(core, link, store, new Leases(store, me, clock, ask), frames);
	const relays = new Relays(core, link, viewersOf);
	holdings.start();
	relays.start();
	const cancels: Cancel[] = [];
	const heartbeat = heartbeats(kv, names.receiverKey(me), core);
	await heartbeat.beat();
	cancels.push(clock.every(HEARTBEAT_MS, () => void heartbeat.beat()));
	// A key of a camera held here that now names another receiver: the camera moved without this one letting go.
	const moves = await kv.watch({ key: names.cameraKeys, include: KvWatchInclude.UpdatesOnly });
	cancels.push(() => moves.stop());
	void (async () => {
		for await (const entry of moves) {
			const holder = entry.operation === "PUT" ? holderIn(entry) : undefined;
			if (holder !== undefined) holdings.moved(idOf(entry.key.slice(names.cameraKeys.length - 1)), holder);
		}
	})();
	log.info({ receiver: me, cluster: shown, fleet: options.clusterName }, "fleet " + options.clusterName + ": receiver " + me + " on NATS " + shown);
	return {
		get held() {
			return holdings.size;
		},
		get relayed() {
			return relays.size;
		},
		get connected() {
			return !nc.isClosed() && !nc.isDraining();
		},
		async close() {
			relays.close();
			await holdings.close();
			for (const cancel of cancels.splice(0)) cancel();
			await kv.delete(names.receiverKey(me)).catch(() => {}); // claims of this receiver's cameras see it gone at once
			const cut = setTimeout(() => void nc.close(), DRAIN_MS);
			await nc.drain().catch(() => nc.close());
			clearTimeout(cut);
		},
	};
}

/** The holder a registry value names, or undefined. */
function holderIn(entry: { json<T>(): T }): string | undefined {
	try {
		const { holder } = entry.json<{ holder?: unknown }>();
		return typeof holder === "string" ? holder : undefined;
	}
	catch {
		return undefined;
	}
}

/** Rewrites the receiver's heartbeat; one write at a time, a failure logged once until one succeeds. */
function heartbeats(kv: KV, key: string, { clock, log }: Core) {
	let writing = false;
	let failing = false;
	return {
		async beat() {
			if (writing) return;
			writing = true;
			try {
				await kv.put(key, JSON.stringify({ at: clock.now() }));
				if (failing) log.info("fleet: heartbeat written again");
				failing = false;
			}
			catch (error) {
				if (!failing) log.warn({ error: (error as Error).message }, "fleet: cannot write this receiver's heartbeat: " + (error as Error).message);
				failing = true;
			}
			finally {
				writing = false;
			}
		},
	};
}
