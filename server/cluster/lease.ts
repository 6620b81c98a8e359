// One camera, one holder: the fleet's registry in JetStream KV keeps, per camera, the receiver that
// holds it (cams.<id>), and, per receiver, a heartbeat (receivers.<id>) it rewrites every HEARTBEAT_MS.
// A camera's lease is its key naming a receiver whose heartbeat still moves. Keys change only by
// compare-and-set on their revision, so of two receivers that claim one camera at once exactly one wins.
//
// A camera connects to one receiver at a time, so a camera that connects here has left its holder (or
// its holder has not noticed yet). The receiver it reaches keeps it connected and claims it: it asks the
// holder to let go (the holder closes its connection, if it still has one, and answers); a holder that
// is not on NATS any more (no responders: its process died, its connection closed) is gone, and the key
// is taken at once; a holder that is on NATS but does not answer is waited out until its heartbeat has
// not moved for LEASE_MS on the claimant's own clock (no two machines' clocks are compared). Until the
// claim succeeds the camera streams to this receiver's own viewers only: its frames are neither
// published to the fleet nor recorded.

import type { Cancel, Clock } from "../clock";

/** How often a receiver rewrites its heartbeat. */
export const HEARTBEAT_MS = 1000;
/** A heartbeat that has not moved this long, as the claimant sees it, holds nothing. */
export const LEASE_MS = 5000;
/** How long a claimant waits for the holder's answer to "let go". */
export const RELEASE_TIMEOUT_MS = 1000;
/** How long a claim takes at most once the holder stopped beating: the lease, a last unanswered request, a last look. */
export const CLAIM_BOUND_MS = LEASE_MS + RELEASE_TIMEOUT_MS + HEARTBEAT_MS;

export interface Holding {
	holder: string;
	revision: number;
}

/** The registry's keys, as lease.ts needs them (cluster.ts over JetStream KV; the tests, over a Map). */
export interface LeaseStore {
	/** Who holds the camera, at which revision; undefined when nobody does (no key, or a deleted one). */
	holding(camera: string): Promise<Holding | undefined>;
	/** Writes `holder` as the camera's if its key is still at `revision` (undefined: there is none); the new revision, or undefined when another write came first. */
	take(camera: string, holder: string, revision: number | undefined): Promise<number | undefined>;
	/** Deletes the camera's key if it is still at `revision`. */
	drop(camera: string, revision: number): Promise<void>;
	/** The revision of the receiver's heartbeat; undefined when it has none (it closed, or never beat). */
	heartbeat(receiver: string): Promise<number | undefined>;
}

/** What the holder said to "let go": done, nobody on NATS to ask, or no answer in time. */
export type ReleaseAnswer = "released" | "gone" | "silent";

export class Leases {
	readonly #store: LeaseStore;
	readonly #me: string;
	readonly #clock: Clock;
	readonly #release: (holder: string, camera: string) => Promise<ReleaseAnswer>;
	/** Each other receiver's heartbeat revision, and when this receiver first saw it. */
	readonly #beats = new Map<string, { revision: number; since: number }>();
	readonly #waits = new Set<Cancel>();
	#stopped = false;

	constructor(store: LeaseStore, me: string, clock: Clock, release: (holder: string, camera: string) => Promise<ReleaseAnswer>) {
		this.#store = store;
		this.#me = me;
		this.#clock = clock;
		this.#release = release;
	}

	/**
	 * Claims the camera for this receiver, for as long as `wanted()` holds (its connection here is open).
	 * Resolves with the key's revision once it is this receiver's, or undefined when no longer wanted.
	 */
	async claim(camera: string, wanted: () => boolean): Promise<number | undefined> {
		const still = () => !this.#stopped && wanted();
		while (still()) {
			const holding = await this.#store.holding(camera);
			if (holding?.holder === this.#me) return holding.revision; // a key of this receiver's, from an earlier connection
			let free = holding === undefined;
			if (!free) {
				const answer = await this.#release(holding!.holder, camera);
				free = answer !== "silent" || await this.#stale(holding!.holder);
			}
			if (free) {
				if (!still()) return undefined;
				const revision = await this.#store.take(camera, this.#me, holding?.revision);
				if (revision !== undefined) return revision;
				continue; // another receiver wrote first: look again
			}
			await this.#wait(HEARTBEAT_MS);
		}
		return undefined;
	}

	/** Stops the claims waiting to look again (the receiver is closing): they end as not wanted. */
	stop(): void {
		this.#stopped = true;
		for (const stop of [...this.#waits]) stop();
	}

	/** Whether the receiver's heartbeat has not moved for LEASE_MS since this receiver first saw its revision. */
	async #stale(receiver: string): Promise<boolean> {
		const revision = await this.#store.heartbeat(receiver);
		if (revision === undefined) return true;
		const now = this.#clock.now();
		const seen = this.#beats.get(receiver);
		if (seen === undefined || seen.revision !== revision) {
			this.#beats.set(receiver, { revision, since: now });
			return false;
		}
		return now - seen.since >= LEASE_MS;
	}

	#wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const stop = () => {
				this.#waits.delete(stop);
				cancelTimer();
				resolve();
			};
			const cancelTimer = this.#clock.after(ms, stop);
			this.#waits.add(stop);
		});
	}
}
