// Many receivers, one fleet, for real: a 3-node NATS cluster with JetStream (Debian's nats-server) and
// three receivers, each in its own process, on loopback; cameras that move between receivers as the
// firmware does (roaming-camera.ts); viewers over HTTP MJPEG. Every bound is derived from the
// constants it depends on (the lease, the status and interest intervals, the camera's first backoff),
// plus SLACK_MS for processes and sockets on a loaded machine.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { Kvm } from "@nats-io/kv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLAIM_BOUND_MS, LEASE_MS } from "../../server/cluster/lease";
import { INTEREST_MS, STATUS_MS } from "../../server/cluster/relay";
import { readSegment } from "../../server/record/reader";
import { FakeCamera } from "../server/helpers/fake-camera";
import { json, syntheticJpeg } from "../server/helpers/harness";
import { MjpegClient } from "../server/helpers/mjpeg-client";
import { Fleet, type FleetReceiver } from "./helpers/fleet";
import { FIRST_BACKOFF_MAX_MS, RoamingCamera } from "./helpers/roaming-camera";

/** Processes, sockets and NATS round trips on a loaded 2-core machine. */
const SLACK_MS = 3000;
/** A camera whose holder was killed streams again, through its next receiver, within this. */
const FAILOVER_BOUND_MS = FIRST_BACKOFF_MAX_MS + CLAIM_BOUND_MS + STATUS_MS + INTEREST_MS + SLACK_MS;
/** A holder that was killed is gone from NATS at once: its camera is taken without waiting out the lease (this is below LEASE_MS). */
const KILLED_FAILOVER_BOUND_MS = FIRST_BACKOFF_MAX_MS + INTEREST_MS + SLACK_MS;
/** A receiver whose NATS server died is on another one (the client's 250 ms wait) and its frames flow again within this. */
const NATS_NODE_BOUND_MS = 250 + STATUS_MS + INTEREST_MS + SLACK_MS;

let fleet: Fleet;
let a: FleetReceiver;
let b: FleetReceiver;
let c: FleetReceiver;

beforeAll(async () => {
	fleet = await Fleet.start(); // fails, saying to install nats-server, where it is missing: never skipped
	[a, b, c] = await Promise.all(["a", "b", "c"].map((id) => fleet.startReceiver(id)));
}, 90_000);

afterAll(async () => {
	await fleet?.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(what: string, read: () => Promise<T | undefined>, ms: number): Promise<T> {
	const end = Date.now() + ms;
	for (;;) {
		const value = await read().catch(() => undefined);
		if (value !== undefined) return value;
		if (Date.now() > end) throw new Error("gave up waiting for " + what);
		await sleep(50);
	}
}

const statusOn = async (receiver: FleetReceiver, id: string) => {
	const response = await fetch(receiver.base + "/api/cameras/" + id);
	return response.ok ? json(response) : undefined;
};

/** The camera's status on `receiver` once it is online there, relayed from `holder` (or held there itself). */
const onlineVia = (receiver: FleetReceiver, id: string, holder: FleetReceiver, ms: number) => eventually("camera " + id + " online on " + receiver.id + " via " + holder.id,
	async () => {
		const status = await statusOn(receiver, id);
		const relayed = receiver === holder ? !String(status?.remote).includes(" via ") : String(status?.remote).endsWith(" via " + holder.id);
		return status?.online && relayed ? status : undefined;
	}, ms);

const control = (receiver: FleetReceiver, id: string, settings: object) =>
	fetch(receiver.base + "/api/cameras/" + id + "/control", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settings) });

/** The receiver the fleet's registry names as the camera's holder (read again while JetStream elects a leader after a node died). */
async function holderInRegistry(id: string): Promise<string | undefined> {
	const nc = await connect({ servers: fleet.nats.url.split(",") });
	try {
		const read = async () => {
			const entry = await (await new Kvm(nc).open("xscam-test-cameras")).get("cams." + id);
			return { holder: entry?.operation === "PUT" ? entry.json<{ holder: string }>().holder : undefined };
		};
		return (await eventually("the fleet's registry", read, 15_000)).holder;
	}
	finally {
		await nc.close();
	}
}

/** Capture times of every frame a receiver recorded of a camera. */
async function recorded(receiver: FleetReceiver, id: string): Promise<number[]> {
	const folder = join(receiver.recordingDir, id);
	if (!existsSync(folder)) return [];
	const times: number[] = [];
	for (const name of readdirSync(folder).filter((file) => file.endsWith(".mjpeg")).sort())
		for await (const frame of readSegment(join(folder, name))) times.push(frame.captureTime!);
	return times;
}

/** The longest wait between two parts that arrived from `from` to `to`. */
function longestGap(times: number[], from: number, to: number): number {
	const span = times.filter((time) => time >= from && time <= to);
	return Math.max(...span.slice(1).map((time, n) => time - span[n]));
}

/** Arrival times of a viewer's parts, as they come. */
function arrivals(viewer: MjpegClient): number[] {
	const times: number[] = [];
	let seen = 0;
	viewer.socket.on("data", () => {
		for (; seen < viewer.parts.length; seen++) times.push(Date.now());
	});
	return times;
}

describe("a fleet of three receivers on a 3-node NATS cluster", () => {
	it("serves the snapshot of a camera held by B on A, where nobody watches its stream", async () => {
		const { camera } = await FakeCamera.online(b.ingestPort, "door");
		camera.frame(syntheticJpeg(5000, 0x22));
		await onlineVia(a, "door", b, 10_000);
		const snapshot = await eventually("a snapshot on A", async () => {
			const response = await fetch(a.base + "/cameras/door/snapshot.jpg");
			return response.ok ? Buffer.from(await response.arrayBuffer()) : undefined;
		}, 2 * STATUS_MS + SLACK_MS);
		expect(snapshot.equals(syntheticJpeg(5000, 0x22))).toBe(true);
		await camera.close();
	}, 60_000);

	it("serves a camera held by B to a viewer on A; B is killed, the camera moves to C within the bound, and the viewer on A sees a gap within the bound and goes on", async () => {
		const camera = new RoamingCamera("porch", [b.ingestPort, c.ingestPort]);
		camera.start();
		try {
			await onlineVia(a, "porch", b, 10_000);
			const viewer = await MjpegClient.open(a.httpPort, "/cameras/porch/stream.mjpeg");
			const times = arrivals(viewer);
			await eventually("frames on A's viewer", async () => (times.length >= 10 ? true : undefined), 10_000);
			// a control on A is a request to B, answered by the camera
			const answer = await control(a, "porch", { brightness: 1 });
			expect(answer.status).toBe(200);
			expect(await json(answer)).toMatchObject({ applied: { brightness: 1 }, pending: {}, refused: {} });
			expect(await holderInRegistry("porch")).toBe("b");

			const killedAt = Date.now();
			await fleet.kill("b");
			await onlineVia(a, "porch", c, KILLED_FAILOVER_BOUND_MS);
			const before = times.filter((time) => time <= killedAt);
			const after = await eventually("frames on A's viewer after the move", async () => {
				const later = times.filter((time) => time > killedAt);
				return later.length >= 10 ? later : undefined;
			}, FAILOVER_BOUND_MS);
			const gap = longestGap(times, before.at(-1)!, after[0]);
			expect(gap).toBeGreaterThan(0);
			expect(gap).toBeLessThanOrEqual(KILLED_FAILOVER_BOUND_MS);
			expect(camera.connections.map((connection) => connection.port)).toEqual([b.ingestPort, c.ingestPort]);
			expect(viewer.socket.destroyed).toBe(false); // the same stream goes on
			expect(await holderInRegistry("porch")).toBe("c");
			expect((await json(await control(a, "porch", { contrast: -1 }))).applied).toEqual({ contrast: -1 });

			// one receiver records the camera at a time: B until it died, then C; never A, which only relayed it
			await camera.stop();
			await sleep(STATUS_MS); // C's recorder writes what it has queued
			const byB = await recorded(b, "porch");
			const byC = await recorded(c, "porch");
			expect(await recorded(a, "porch")).toEqual([]);
			expect(byB.length).toBeGreaterThan(0);
			expect(byC.length).toBeGreaterThan(0);
			expect(byB.at(-1)!).toBeLessThan(byC[0]);
			await viewer.close();
		}
		finally {
			await camera.stop();
		}
	}, 120_000);

	it("moves a camera that connects to another receiver while its holder lives: the holder lets go, and one receiver holds it", async () => {
		const { camera: first } = await FakeCamera.online(c.ingestPort, "garage");
		await onlineVia(a, "garage", c, 10_000);
		const { camera: second } = await FakeCamera.online(a.ingestPort, "garage");
		await first.closed; // C closed its connection: the camera moved
		await onlineVia(a, "garage", a, 10_000);
		await onlineVia(c, "garage", a, 10_000);
		expect(await eventually("the registry naming A", async () => ((await holderInRegistry("garage")) === "a" ? true : undefined), 10_000)).toBe(true);
		await second.close();
	}, 60_000);

	it("waits out the lease of a holder that hangs (still on NATS, not answering), takes the camera, and the holder lets go once it runs again", async () => {
		const camera = new RoamingCamera("hall", [a.ingestPort, c.ingestPort]);
		camera.start();
		try {
			await onlineVia(c, "hall", a, 10_000);
			fleet.signal("a", "SIGSTOP");
			const hungAt = Date.now();
			await camera.current!.close(); // the camera's own watchdog gave up on A: it moves to C
			await onlineVia(c, "hall", c, FAILOVER_BOUND_MS); // connected to C at once, and claimed there: held once the registry names C
			await eventually("the registry naming C", async () => ((await holderInRegistry("hall")) === "c" ? true : undefined), FAILOVER_BOUND_MS);
			const tookMs = Date.now() - hungAt;
			expect(tookMs).toBeGreaterThanOrEqual(LEASE_MS); // A's heartbeat had to stand still for the lease first
			expect(tookMs).toBeLessThanOrEqual(FAILOVER_BOUND_MS);
			fleet.signal("a", "SIGCONT");
			// A sees the registry name C: it closes what it had and relays C's camera like any other
			await onlineVia(a, "hall", c, 10_000);
			await sleep(2 * STATUS_MS);
			expect((await statusOn(a, "hall")).remote).toMatch(/ via c$/);
			expect(await holderInRegistry("hall")).toBe("c");
		}
		finally {
			fleet.signal("a", "SIGCONT");
			await camera.stop();
		}
	}, 120_000);

	it("loses nothing but frames in flight when a NATS node dies: the holder keeps its camera, the viewer on another receiver its stream", async () => {
		// every receiver is on the first server of the list (the client keeps their order): that is the one killed
		const camera = new RoamingCamera("yard", [c.ingestPort]);
		camera.start();
		try {
			await onlineVia(a, "yard", c, 10_000);
			const viewer = await MjpegClient.open(a.httpPort, "/cameras/yard/stream.mjpeg");
			const times = arrivals(viewer);
			await eventually("frames on A's viewer", async () => (times.length >= 10 ? true : undefined), 10_000);

			const killedAt = Date.now();
			await fleet.nats.killNode(0);
			const after = await eventually("frames on A's viewer after the node died", async () => {
				const later = times.filter((time) => time > killedAt + STATUS_MS);
				return later.length >= 10 ? later : undefined;
			}, NATS_NODE_BOUND_MS + 10 * 100);
			const before = times.filter((time) => time <= killedAt);
			const gap = longestGap(times, before.at(-1)!, after.at(-1)!);
			expect(gap).toBeLessThanOrEqual(NATS_NODE_BOUND_MS);
			expect(after.length).toBeGreaterThanOrEqual(10);
			// the camera never left C, and C took every frame it sent
			expect(camera.connections).toHaveLength(1);
			const sent = camera.sent;
			await eventually("C counting every frame sent", async () => ((await statusOn(c, "yard")).frames.received >= sent ? true : undefined), 5000);
			expect((await statusOn(c, "yard")).frames.lost).toBe(0);
			expect(await holderInRegistry("yard")).toBe("c");
			expect((await control(a, "yard", { brightness: 2 })).status).toBe(200);
			await viewer.close();
		}
		finally {
			await camera.stop();
			await fleet.nats.startNode(0);
		}
	}, 120_000);
});
