// The cameras this receiver holds: a camera that connects here is claimed (lease.ts); once held, its
// frames go out on its frame subject and to the recorder, its status and snapshot once a second (and
// its status on each change), and it answers its control requests and the fleet's "let go". A held
// camera that goes offline here gives its key back at once. Frames that arrive before the claim is
// won reach this receiver's own viewers only: they are neither published nor recorded.

import type { NatsConnection, Msg, Subscription } from "@nats-io/transport-node";
import type { Camera, CameraConnection, ReceivedFrame } from "../cameras/camera";
import type { FrameBus } from "../cameras/frame-bus";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { controlAnswer, readControlRequest } from "./control-message";
import { frameHeaders } from "./frame-message";
import { HEARTBEAT_MS, type Leases, type LeaseStore } from "./lease";
import { RelayedConnection, STATUS_MS, type FleetLink } from "./relay";
import { statusOf } from "./status-message";
import type { FleetNames } from "./subjects";

interface Held {
	camera: Camera;
	connection: CameraConnection;
	revision: number;
	control: Subscription;
	/** The frame last sent as the snapshot. */
	snapshot: ReceivedFrame | undefined;
}

export class Holdings {
	/** The frames of the cameras held here: what the recorder records. */
	readonly frames: FrameBus;
	readonly #core: Core;
	readonly #link: FleetLink;
	readonly #nc: NatsConnection;
	readonly #names: FleetNames;
	readonly #me: string;
	readonly #store: LeaseStore;
	readonly #leases: Leases;
	readonly #held = new Map<string, Held>();
	readonly #pending = new Set<Promise<unknown>>(); // claims and releases under way, awaited by close()
	readonly #cancels: Cancel[] = [];
	#unsentLogged = false;

	constructor(core: Core, link: FleetLink, store: LeaseStore, leases: Leases, frames: FrameBus) {
		this.frames = frames;
		this.#core = core;
		this.#link = link;
		this.#nc = link.nc;
		this.#names = link.names;
		this.#me = link.me;
		this.#store = store;
		this.#leases = leases;
	}

	start(): void {
		const { cameras, clock, frames } = this.#core;
		const release = this.#nc.subscribe(this.#names.release(this.#me), { callback: (_error, msg) => this.#release(msg) });
		this.#cancels.push(
			() => release.unsubscribe(),
			cameras.subscribe((camera, change) => this.#changed(camera, change)),
			frames.subscribe((camera, frame) => this.#frame(camera, frame)),
			clock.every(STATUS_MS, () => this.#tick()),
		);
	}

	get size(): number {
		return this.#held.size;
	}

	/** The registry says `holder` holds the camera: if that is not this receiver, it has moved, and its connection here is closed. */
	moved(camera: string, holder: string): void {
		const held = this.#held.get(camera);
		if (held === undefined || holder === this.#me) return;
		this.#let(camera, held);
		held.connection.close(xscamError("XSCAM_ERR_MOVED", camera, holder));
	}

	/** Stops claiming, gives back every key held, and waits for what is under way. */
	async close(): Promise<void> {
		for (const cancel of this.#cancels.splice(0)) cancel();
		this.#leases.stop();
		for (const [id, held] of this.#held) this.#giveBack(id, held);
		await Promise.all([...this.#pending]);
	}

	#track(work: Promise<unknown>): void {
		const tracked = work.catch((error: Error) => this.#core.log.warn({ error: error.message }, "fleet registry: " + error.message))
			.finally(() => this.#pending.delete(tracked));
		this.#pending.add(tracked);
	}

	#changed(camera: Camera, change: string): void {
		const { connection } = camera.presence;
		const held = this.#held.get(camera.id);
		if (change === "online" && connection !== undefined && !(connection instanceof RelayedConnection)) {
			if (held !== undefined) {
				held.connection = connection; // the camera reconnected here: still ours
				this.#publishStatus(held);
			}
			else this.#track(this.#claim(camera, connection));
		}
		else if (change === "offline" && held !== undefined && connection === undefined) this.#giveBack(camera.id, held);
		else if ((change === "described" || change === "controlled") && held !== undefined) this.#publishStatus(held);
	}

	/** Claims the camera while its connection here lasts; a registry that cannot be reached is tried again. */
	async #claim(camera: Camera, connection: CameraConnection): Promise<void> {
		const wanted = () => camera.presence.connection === connection;
		while (wanted()) {
			let revision: number | undefined;
			try {
				revision = await this.#leases.claim(camera.id, wanted);
			}
			catch (error) {
				this.#core.log.warn({ camera: camera.id, error: (error as Error).message }, "camera " + camera.id + " not claimed yet: " + (error as Error).message);
				await new Promise<void>((resolve) => this.#core.clock.after(HEARTBEAT_MS, resolve));
				continue;
			}
			if (revision === undefined || !wanted()) return;
			const control = this.#nc.subscribe(this.#names.control(camera.id), { callback: (_error, msg) => void this.#control(camera, msg) });
			const held: Held = { camera, connection, revision, control, snapshot: undefined };
			this.#held.set(camera.id, held);
			this.#core.log.info({ camera: camera.id, revision }, "camera " + camera.id + " held by this receiver in the fleet");
			this.#publishStatus(held);
			return;
		}
	}

	/** The camera left: the fleet hears it is offline, and its key is free. */
	#giveBack(camera: string, held: Held): void {
		this.#let(camera, held);
		this.#publishStatus(held, false);
		this.#track(this.#store.drop(camera, held.revision));
	}

	#let(camera: string, held: Held): void {
		this.#held.delete(camera);
		held.control.unsubscribe();
	}

	#frame(camera: Camera, frame: ReceivedFrame): void {
		const held = this.#held.get(camera.id);
		if (held === undefined || held.connection !== camera.presence.connection) return;
		this.frames.publish(camera, frame);
		this.#publish(this.#names.frame(camera.id), frame.jpeg, frame);
	}

	#tick(): void {
		for (const held of this.#held.values()) {
			this.#publishStatus(held);
			const latest = held.camera.intake.latest;
			if (latest !== undefined && latest !== held.snapshot) {
				held.snapshot = latest;
				this.#publish(this.#names.snapshot(held.camera.id), latest.jpeg, latest);
			}
		}
	}

	/** `online` false: the camera is offline for the fleet, whatever its connection here still is. */
	#publishStatus(held: Held, online = true): void {
		const { camera } = held;
		const status = statusOf(camera, this.#me, this.#core.clock.now());
		this.#publish(this.#names.status(camera.id), Buffer.from(JSON.stringify(online ? status : { ...status, online: false })));
	}

	/**
	 * Publishes, unless NATS is out of reach: core NATS delivers at most once, and what the client would
	 * keep meanwhile only grows (a frame in flight is lost, as a viewer's are). A frame larger than the
	 * server's max_payload is not sent, and said once.
	 */
	#publish(subject: string, data: Uint8Array, frame?: ReceivedFrame): void {
		if (!this.#link.linked()) return;
		try {
			this.#nc.publish(subject, data, frame && { headers: frameHeaders(frame) });
		}
		catch (error) {
			if (!this.#unsentLogged) this.#core.log.warn({ subject, bytes: data.byteLength, error: (error as Error).message }, "fleet: not sent on " + subject + ": " + (error as Error).message);
			this.#unsentLogged = true;
		}
	}

	/** Another receiver has the camera connected: this one closes its connection, if it still has one, and says so; the claimant takes the key. */
	#release(msg: Msg): void {
		let request: { camera?: unknown; by?: unknown } | undefined;
		try {
			request = msg.json();
		}
		catch {
			request = undefined;
		}
		const { camera, by } = request ?? {};
		if (typeof camera !== "string" || typeof by !== "string") return;
		const held = this.#held.get(camera);
		if (held !== undefined) {
			this.#let(camera, held);
			this.#publishStatus(held, false);
			held.connection.close(xscamError("XSCAM_ERR_MOVED", camera, by));
		}
		msg.respond(JSON.stringify({ released: true }));
	}

	/** A control request of another receiver, for a camera held here: sent to the camera, its answer kept and returned. */
	async #control(camera: Camera, msg: Msg): Promise<void> {
		let outcome;
		try {
			const settings = readControlRequest(msg.data);
			const held = this.#held.get(camera.id);
			const { connection, controls } = camera.presence;
			if (held === undefined || connection !== held.connection) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera.id);
			// The camera's port here decides whether a secret may travel on it (control-body.ts checks the asking receiver's).
			const secret = controls?.find((control) => control.kind === "text" && control.secret && control.key in settings);
			if (secret && !this.#core.tls) throw xscamError("XSCAM_ERR_SECRET_IN_CLEAR", secret.label);
			outcome = await connection.control(settings);
			this.#core.cameras.controlled(camera, connection, outcome);
		}
		catch (error) {
			outcome = error as Error;
		}
		msg.respond(controlAnswer(outcome));
	}
}
