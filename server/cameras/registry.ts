// The cameras the receiver knows, by id, and who is connected as each: attach() on a hello, describe()
// with the settings a camera announces, controlled() with what it answered to a control request,
// detach() when its connection ends, remove() when a person makes the receiver forget an offline one.
// A second connection with the id of a connected camera replaces the first (docs/protocol.md). Ids are
// chosen by devices, and each one costs state and metric labels, so there is a limit; ids are safe as
// URL paths and folder names because the decoder refuses any that does not start with a letter or digit.
// Whoever must follow cameras coming and going (Home Assistant's entities) subscribes to the changes,
// as the viewers subscribe to the frame bus, instead of polling.

import type { ControlDescription, ControlResult, ControlSettings, Hello } from "../../src/protocol/types";
import type { Cancel, Clock } from "../clock";
import { xscamError } from "../errors";
import { Camera, type CameraConnection } from "./camera";

/** What changed: a camera came online (a new or a returning id), announced its settings, answered a control request, went offline, was forgotten. */
export type CameraChange = "online" | "described" | "controlled" | "offline" | "removed";

/** Called after the change is made; must not block, and must not change the registry from inside. */
export type CameraHook = (camera: Camera, change: CameraChange) => void;

export class CameraRegistry {
	readonly #cameras = new Map<string, Camera>();
	readonly #limit: number;
	readonly #clock: Clock;
	readonly #hooks = new Set<CameraHook>();
	// The protocol never reports a camera's current settings; these are what it answered it applied or
	// stored, on its current connection (a camera that reconnects may have restarted with others).
	readonly #settings = new WeakMap<Camera, ControlSettings>();

	constructor(limit: number, clock: Clock) {
		this.#limit = limit;
		this.#clock = clock;
	}

	get(id: string): Camera | undefined {
		return this.#cameras.get(id);
	}

	/** Sorted by id. */
	list(): Camera[] {
		return [...this.#cameras.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	/**
	 * Makes `connection` the camera's. Returns the connection it replaces (still open: the caller closes
	 * it). Throws XSCAM_ERR_TOO_MANY_CAMERAS for a new id beyond the limit.
	 */
	attach(hello: Hello, connection: CameraConnection): { camera: Camera; replaced: CameraConnection | undefined } {
		const now = this.#clock.now();
		let camera = this.#cameras.get(hello.id);
		if (camera === undefined) {
			if (this.#cameras.size >= this.#limit) throw xscamError("XSCAM_ERR_TOO_MANY_CAMERAS", this.#limit);
			camera = new Camera(hello, now);
			this.#cameras.set(hello.id, camera);
		}
		const presence = camera.presence;
		const replaced = presence.connection;
		presence.hello = hello;
		presence.controls = undefined; // until this connection announces them
		this.#settings.set(camera, Object.create(null));
		presence.connection = connection;
		presence.connections++;
		presence.since = now;
		presence.lastError = undefined;
		this.#changed(camera, "online");
		return { camera, replaced };
	}

	/** The settings the camera announced on `connection`. */
	describe(camera: Camera, connection: CameraConnection, controls: ControlDescription[]): void {
		if (camera.presence.connection !== connection) return;
		camera.presence.controls = controls;
		this.#changed(camera, "described");
	}

	/** The settings the camera said it applied or stored on its current (or last) connection; empty until it answers one. */
	knownSettings(camera: Camera): Readonly<ControlSettings> {
		return this.#settings.get(camera) ?? {};
	}

	/** The camera's checked answer to a control request sent on `connection`: what it applied or stored is now what it has. */
	controlled(camera: Camera, connection: CameraConnection, result: ControlResult): void {
		if (camera.presence.connection !== connection) return;
		Object.assign(this.#settings.get(camera)!, result.applied, result.pending);
		this.#changed(camera, "controlled");
	}

	/** The camera is offline, unless `connection` was already replaced by a newer one. */
	detach(camera: Camera, connection: CameraConnection, reason: string | undefined): void {
		const presence = camera.presence;
		if (presence.connection !== connection) return;
		presence.connection = undefined;
		presence.since = this.#clock.now();
		presence.lastError = reason;
		this.#changed(camera, "offline");
	}

	/**
	 * Forgets an offline camera: its counters, latest frame and settings; a camera that connects with its
	 * id later is new. Throws XSCAM_ERR_CAMERA_NOT_FOUND, or XSCAM_ERR_CAMERA_ONLINE while it is connected
	 * (it would only come back at once).
	 */
	remove(id: string): Camera {
		const camera = this.#cameras.get(id);
		if (camera === undefined) throw xscamError("XSCAM_ERR_CAMERA_NOT_FOUND", JSON.stringify(id));
		if (camera.presence.connection !== undefined) throw xscamError("XSCAM_ERR_CAMERA_ONLINE", id);
		this.#cameras.delete(id);
		this.#changed(camera, "removed");
		return camera;
	}

	subscribe(hook: CameraHook): Cancel {
		this.#hooks.add(hook);
		return () => this.#hooks.delete(hook);
	}

	#changed(camera: Camera, change: CameraChange): void {
		for (const hook of this.#hooks) hook(camera, change);
	}
}
