// The lease's rules (server/cluster/lease.ts) over a registry in a Map and a manual clock: who takes a
// free camera, who waits, who takes a stale one, and that of two claims at once exactly one wins.

import { describe, expect, it } from "vitest";
import { HEARTBEAT_MS, LEASE_MS, Leases, type LeaseStore, type ReleaseAnswer } from "../../server/cluster/lease";
import { ManualClock } from "../server/helpers/manual-clock";

/** The registry's compare-and-set semantics, in memory; every call goes through a microtask, as a KV round trip would. */
class MapStore implements LeaseStore {
	readonly cameras = new Map<string, { holder: string; revision: number }>();
	readonly beats = new Map<string, number>();
	#revision = 0;

	async holding(camera: string) {
		await null;
		return this.cameras.get(camera);
	}

	async take(camera: string, holder: string, revision: number | undefined) {
		await null;
		if (this.cameras.get(camera)?.revision !== revision) return undefined;
		this.cameras.set(camera, { holder, revision: ++this.#revision });
		return this.#revision;
	}

	async drop(camera: string, revision: number) {
		await null;
		if (this.cameras.get(camera)?.revision === revision) this.cameras.delete(camera);
	}

	async heartbeat(receiver: string) {
		await null;
		return this.beats.get(receiver);
	}

	beat(receiver: string): void {
		this.beats.set(receiver, ++this.#revision);
	}
}

const settle = async () => {
	for (let i = 0; i < 20; i++) await null;
};

function setup(answer: ReleaseAnswer = "released") {
	const store = new MapStore();
	const clock = new ManualClock();
	const asked: string[] = [];
	const release = async (holder: string, camera: string) => {
		asked.push(holder + ":" + camera);
		return answer;
	};
	return { store, clock, asked, leases: (me: string) => new Leases(store, me, clock, release) };
}

describe("a camera's lease", () => {
	it("goes to the first receiver that claims a camera nobody holds", async () => {
		const { store, leases, asked } = setup();
		const revision = await leases("a").claim("cam", () => true);
		expect(store.cameras.get("cam")).toEqual({ holder: "a", revision });
		expect(asked).toEqual([]);
	});

	it("stays with the receiver that holds it, without a write", async () => {
		const { store, leases } = setup();
		store.cameras.set("cam", { holder: "a", revision: 7 });
		expect(await leases("a").claim("cam", () => true)).toBe(7);
		expect(store.cameras.get("cam")).toEqual({ holder: "a", revision: 7 });
	});

	it("is taken from a holder that lets go, or that is no longer on NATS", async () => {
		for (const answer of ["released", "gone"] as const) {
			const { store, leases, asked } = setup(answer);
			store.cameras.set("cam", { holder: "b", revision: 3 });
			store.beat("b");
			const revision = await leases("a").claim("cam", () => true);
			expect(asked).toEqual(["b:cam"]);
			expect(store.cameras.get("cam")).toEqual({ holder: "a", revision });
		}
	});

	it("stays with a silent holder whose heartbeat moves, and is taken once it has not moved for the lease", async () => {
		const { store, clock, leases } = setup("silent");
		store.cameras.set("cam", { holder: "b", revision: 1 });
		store.beat("b");
		let held: number | undefined;
		void leases("a").claim("cam", () => true).then((revision) => { held = revision; });
		// b beats for three lease lengths: a waits
		for (let t = 0; t < 3 * LEASE_MS; t += HEARTBEAT_MS) {
			store.beat("b");
			clock.advance(HEARTBEAT_MS);
			await settle();
		}
		expect(held).toBeUndefined();
		expect(store.cameras.get("cam")?.holder).toBe("b");
		// b stops: not before LEASE_MS of a still heartbeat, and within a look more
		const stoppedAt = clock.now();
		while (held === undefined) {
			clock.advance(HEARTBEAT_MS);
			await settle();
		}
		expect(clock.now() - stoppedAt).toBeGreaterThanOrEqual(LEASE_MS);
		expect(clock.now() - stoppedAt).toBeLessThanOrEqual(LEASE_MS + 2 * HEARTBEAT_MS);
		expect(store.cameras.get("cam")).toEqual({ holder: "a", revision: held });
	});

	it("is taken at once from a holder with no heartbeat at all (it closed)", async () => {
		const { store, leases } = setup("silent");
		store.cameras.set("cam", { holder: "b", revision: 1 });
		expect(await leases("a").claim("cam", () => true)).toBeDefined();
		expect(store.cameras.get("cam")?.holder).toBe("a");
	});

	it("goes to exactly one of two receivers that claim a free camera at once; the other waits while the winner beats", async () => {
		const { store, clock, leases } = setup("silent");
		store.beat("a");
		store.beat("b");
		const claimants = { a: leases("a"), b: leases("b") };
		const held: { [id: string]: number | undefined } = {};
		for (const [id, lease] of Object.entries(claimants)) void lease.claim("cam", () => true).then((revision) => { held[id] = revision; });
		await settle();
		const winners = Object.keys(held);
		expect(winners).toHaveLength(1);
		expect(store.cameras.get("cam")).toEqual({ holder: winners[0], revision: held[winners[0]] });
		for (let t = 0; t < 2 * LEASE_MS; t += HEARTBEAT_MS) {
			store.beat(winners[0]);
			clock.advance(HEARTBEAT_MS);
			await settle();
		}
		expect(Object.keys(held)).toEqual(winners);
		for (const lease of Object.values(claimants)) lease.stop();
	});

	it("ends, holding nothing, when the camera is no longer wanted (its connection closed) or the receiver stops", async () => {
		const { store, clock, leases } = setup("silent");
		store.cameras.set("cam", { holder: "b", revision: 1 });
		store.beat("b");
		let wanted = true;
		const claim = leases("a").claim("cam", () => wanted);
		await settle();
		wanted = false;
		clock.advance(HEARTBEAT_MS);
		expect(await claim).toBeUndefined();
		const stopping = leases("c");
		const stopped = stopping.claim("cam", () => true);
		await settle();
		stopping.stop();
		expect(await stopped).toBeUndefined();
		expect(store.cameras.get("cam")?.holder).toBe("b");
		expect(clock.pending).toBe(0);
	});
});
