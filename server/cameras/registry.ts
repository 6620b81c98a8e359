// The cameras the receiver knows, by id, and who is connected as each: attach() on a hello, describe()
// with the settings a camera announces, detach() when its connection ends. A second connection with the
// id of a connected camera replaces the first (docs/protocol.md). Ids are chosen by devices, and each
// one costs state and metric labels, so there is a limit; ids are safe as URL paths and folder names
// because the decoder refuses any that does not start with a letter or digit.

import type { ControlDescription, Hello } from "../../src/protocol/types";
import type { Clock } from "../clock";
import { xscamError } from "../errors";
import { Camera, type CameraConnection } from "./camera";

export class CameraRegistry {
	readonly #cameras = new Map<string, Camera>();
	readonly #limit: number;
	readonly #clock: Clock;

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
		presence.connection = connection;
		presence.connections++;
		presence.since = now;
		presence.lastError = undefined;
		return { camera, replaced };
	}

	/** The settings the camera announced on `connection`. */
	describe(camera: Camera, connection: CameraConnection, controls: ControlDescription[]): void {
		if (camera.presence.connection === connection) camera.presence.controls = controls;
	}

	/** The camera is offline, unless `connection` was already replaced by a newer one. */
	detach(camera: Camera, connection: CameraConnection, reason: string | undefined): void {
		const presence = camera.presence;
		if (presence.connection !== connection) return;
		presence.connection = undefined;
		presence.since = this.#clock.now();
		presence.lastError = reason;
	}
}
