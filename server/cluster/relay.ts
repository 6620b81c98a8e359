// The cameras other receivers hold, as cameras of this one: each appears in the local registry with a
// RelayedConnection, so the HTTP, RTSP and snapshot code serves it as it serves its own, without a
// branch. Its presence follows its holder's status messages (and goes offline when they stop for
// STATUS_SILENT_MS: the holder died or lost NATS); its intake counters, rates and recording state are the
// holder's figures; its frames come from NATS, subscribed to only while someone here watches it, so a
// fleet does not ship every frame to every receiver; its snapshot, once a second, from the holder. A
// control request goes to the holder (request-reply); a firmware update only through the holder.

import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import { errors } from "@nats-io/transport-node";
import type { ControlResult, ControlSettings } from "../../src/protocol/types";
import type { Camera, CameraConnection } from "../cameras/camera";
import { RateMeter } from "../cameras/rate-meter";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { xscamError } from "../errors";
import type { FirmwareTransfer } from "../update/transfer";
import { controlRequest, readControlAnswer } from "./control-message";
import { FRAME_HEADER, frameOf } from "./frame-message";
import { readStatus, type StatusMessage } from "./status-message";
import type { FleetNames } from "./subjects";

/** How often a holder sends each camera's status and snapshot. */
export const STATUS_MS = 1000;
/** A relayed camera whose holder has said nothing this long is offline here. */
export const STATUS_SILENT_MS = 3 * STATUS_MS;
/** How often the viewers of relayed cameras are counted, to subscribe to their frames or let them go. */
export const INTEREST_MS = 250;
/** What a control request may take beyond the holder's own control timeout: two hops through NATS. */
const HOP_MARGIN_MS = 1000;

/** What both sides of a fleet's receiver share: the connection, the names, its own id, and whether NATS is reachable now. */
export interface FleetLink {
	readonly nc: NatsConnection;
	readonly names: FleetNames;
	readonly me: string;
	/** False between a lost NATS server and the next: what would be published then would only queue in the client. */
	linked(): boolean;
}

/** Why a request failed: the client wraps no responders and timeouts in a RequestError. */
export function causeOf(error: unknown): unknown {
	return error instanceof errors.RequestError ? error.cause : error;
}

export class RelayedConnection implements CameraConnection {
	readonly remote: string;
	readonly holder: string;
	/** The holder's connection's hello time: a new value is a new connection there. */
	readonly since: number;
	readonly #relays: Relays;
	readonly #camera: string;

	constructor(relays: Relays, camera: string, status: StatusMessage) {
		this.#relays = relays;
		this.#camera = camera;
		this.holder = status.holder;
		this.since = status.since;
		this.remote = status.remote + " via " + status.holder;
	}

	control(settings: ControlSettings): Promise<ControlResult> {
		return this.#relays.control(this.#camera, settings);
	}

	update(): FirmwareTransfer {
		throw xscamError("XSCAM_ERR_CAMERA_ELSEWHERE", this.#camera, this.holder, "update it");
	}

	/** Replaced by a connection of the camera to this receiver: the relay lets it go. */
	close(): void {
		this.#relays.forget(this);
	}
}

interface Relayed {
	camera: Camera;
	connection: RelayedConnection;
	heardAt: number;
	rate: { fps: number; kbps: number };
	frames: Subscription | undefined;
}

export class Relays {
	readonly #core: Core;
	readonly #nc: NatsConnection;
	readonly #names: FleetNames;
	readonly #me: string;
	readonly #viewersOf: (camera: string) => number;
	readonly #relayed = new Map<string, Relayed>();
	readonly #subscriptions: Subscription[] = [];
	readonly #timers: Cancel[] = [];
	#badLogged = false;
	#fullLogged = false;

	constructor(core: Core, { nc, names, me }: FleetLink, viewersOf: (camera: string) => number) {
		this.#core = core;
		this.#nc = nc;
		this.#names = names;
		this.#me = me;
		this.#viewersOf = viewersOf;
	}

	start(): void {
		const { clock } = this.#core;
		this.#subscriptions.push(
			this.#nc.subscribe(this.#names.allStatus, { callback: (_error, msg) => this.#heard(msg.subject, () => this.#status(this.#names.cameraOf(msg.subject), readStatus(msg.data, this.#names.cameraOf(msg.subject)))) }),
			this.#nc.subscribe(this.#names.allSnapshots, { callback: (_error, msg) => this.#heard(msg.subject, () => this.#snapshot(this.#names.cameraOf(msg.subject), msg.data, msg.headers?.get(FRAME_HEADER))) }),
		);
		this.#timers.push(clock.every(INTEREST_MS, () => this.#follow()), clock.every(STATUS_MS, () => this.#silence()));
	}

	/** How many cameras are relayed here (for /metrics). */
	get size(): number {
		return this.#relayed.size;
	}

	/** Sends a control request to the camera's holder; resolves with its camera's checked answer or rejects with its coded error. */
	async control(camera: string, settings: ControlSettings): Promise<ControlResult> {
		const timeout = this.#core.options.controlTimeoutMs + HOP_MARGIN_MS;
		let reply;
		try {
			reply = await this.#nc.request(this.#names.control(camera), controlRequest(settings), { timeout });
		}
		catch (error) {
			if (causeOf(error) instanceof errors.TimeoutError) throw xscamError("XSCAM_ERR_CONTROL_TIMEOUT", camera, 0, timeout);
			throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera); // no responders: nobody holds it; or NATS is out of reach
		}
		try {
			return readControlAnswer(reply.data);
		}
		catch (error) {
			if (error instanceof RangeError) throw xscamError("XSCAM_ERR_BAD_CONTROL_RESULT", camera, 0, error.message);
			throw error;
		}
	}

	/** The camera connected to this receiver itself, replacing its relay. */
	forget(connection: RelayedConnection): void {
		for (const [id, relayed] of this.#relayed) if (relayed.connection === connection) this.#drop(id, relayed);
	}

	close(): void {
		for (const cancel of this.#timers.splice(0)) cancel();
		for (const subscription of this.#subscriptions.splice(0)) subscription.unsubscribe();
		for (const [id, relayed] of this.#relayed) {
			this.#drop(id, relayed);
			this.#core.cameras.detach(relayed.camera, relayed.connection, "XSCAM_ERR_SHUTDOWN");
		}
	}

	/** Runs what a message asks; a malformed one is dropped and logged once. */
	#heard(subject: string, take: () => void): void {
		try {
			take();
		}
		catch (error) {
			if (!(error instanceof RangeError)) throw error;
			if (!this.#badLogged) this.#core.log.warn({ subject, error: error.message }, "dropping a malformed fleet message on " + subject + ": " + error.message);
			this.#badLogged = true;
		}
	}

	#status(id: string, status: StatusMessage): void {
		const { cameras, clock, log } = this.#core;
		if (status.holder === this.#me) return; // our own
		const current = cameras.get(id)?.presence.connection;
		if (current !== undefined && !(current instanceof RelayedConnection)) return; // connected here: ours to hold, or to claim
		let relayed = this.#relayed.get(id);
		if (!status.online) {
			if (relayed?.connection.holder === status.holder) this.#offline(id, relayed, status.lastError ?? undefined);
			return;
		}
		if (relayed === undefined || relayed.connection.holder !== status.holder || relayed.connection.since !== status.since) {
			const connection = new RelayedConnection(this, id, status);
			let camera: Camera;
			try {
				({ camera } = cameras.attach(status.hello, connection)); // a relay it replaces is dropped below, the camera kept
			}
			catch (error) {
				if (!this.#fullLogged) log.warn({ camera: id, error: (error as Error).message }, "not relaying camera " + id + ": " + (error as Error).message);
				this.#fullLogged = true;
				return;
			}
			if (relayed !== undefined) this.#drop(id, relayed);
			if (status.controls !== null) cameras.describe(camera, connection, status.controls);
			relayed = { camera, connection, heardAt: 0, rate: status.rate, frames: undefined };
			const reported = relayed;
			camera.intake.rate = { add() {}, rates: () => reported.rate };
			this.#relayed.set(id, relayed);
		}
		relayed.heardAt = clock.now();
		relayed.rate = status.rate;
		const { intake, recording } = relayed.camera;
		const { stats, ...counts } = status.intake;
		Object.assign(intake, counts, { stats: stats ?? undefined });
		Object.assign(recording, { segment: undefined, error: undefined }, status.recording);
	}

	#snapshot(id: string, data: Uint8Array, header: string | undefined): void {
		const relayed = this.#relayed.get(id);
		if (relayed === undefined || relayed.frames !== undefined) return; // not relayed, or its stream is newer
		const frame = frameOf(data, header, this.#core.clock.now());
		const latest = relayed.camera.intake.latest;
		if (latest === undefined || frame.captureTime > latest.captureTime) relayed.camera.intake.latest = frame;
	}

	/** Subscribes to the frames of each relayed camera someone here watches, and lets go of the others'. */
	#follow(): void {
		for (const [id, relayed] of this.#relayed) {
			const watched = this.#viewersOf(id) > 0;
			if (watched && relayed.frames === undefined) {
				relayed.frames = this.#nc.subscribe(this.#names.frame(id), {
					callback: (_error, msg) => this.#heard(msg.subject, () => {
						if (this.#relayed.get(id) !== relayed) return;
						const frame = frameOf(msg.data, msg.headers?.get(FRAME_HEADER), this.#core.clock.now());
						relayed.camera.intake.latest = frame;
						this.#core.frames.publish(relayed.camera, frame);
					}),
				});
			}
			else if (!watched && relayed.frames !== undefined) {
				relayed.frames.unsubscribe();
				relayed.frames = undefined;
			}
		}
	}

	#silence(): void {
		const now = this.#core.clock.now();
		for (const [id, relayed] of this.#relayed) if (now - relayed.heardAt >= STATUS_SILENT_MS) this.#offline(id, relayed, "XSCAM_ERR_HOLDER_SILENT");
	}

	#offline(id: string, relayed: Relayed, reason: string | undefined): void {
		this.#drop(id, relayed);
		this.#core.cameras.detach(relayed.camera, relayed.connection, reason);
		Object.assign(relayed.camera.recording, { state: "off", segment: undefined, error: undefined });
	}

	/** Stops relaying: no more frames, and the camera's rates are measured here again. */
	#drop(id: string, relayed: Relayed): void {
		if (this.#relayed.get(id) !== relayed) return;
		this.#relayed.delete(id);
		relayed.frames?.unsubscribe();
		relayed.frames = undefined;
		relayed.camera.intake.rate = new RateMeter();
	}
}
