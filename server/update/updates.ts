// Firmware updates, receiver side: which image goes to which camera, and what became of it. An offer
// goes over the camera's own authenticated session (transfer.ts); once the camera has verified the
// image it restarts, and the update is done only when it says hello again running the offered version.
// A camera that comes back with another version went back to its previous firmware (its new one was
// not welcomed in time, or the bootloader rolled it back); one that does not come back within
// RETURN_MS has failed too. Only cameras whose hello says they take updates are offered one, and
// only images of their own board.

import { HELLO_FLAG_UPDATES, UPDATE_CHUNK_MAX } from "../../src/protocol/constants";
import type { Camera } from "../cameras/camera";
import type { CameraRegistry } from "../cameras/registry";
import type { Clock } from "../clock";
import { xscamError } from "../errors";
import type { Logger } from "pino";
import type { FirmwareStore } from "./firmware-store";
import type { FirmwareTransfer, UpdateProgress } from "./transfer";

/** How long a camera restarting into a new firmware may take to say hello again (its trial start needs a minute at most on a LAN). */
export const RETURN_MS = 5 * 60_000;

export interface UpdatesOptions {
	cameras: CameraRegistry;
	clock: Clock;
	log: Logger;
	store: FirmwareStore;
	/** The receiver's limit on a message body, which a chunk stays within (the welcome's maxBodyBytes). */
	maxBodyBytes: number;
}

export class FirmwareUpdates {
	readonly store: FirmwareStore;
	readonly #options: UpdatesOptions;
	readonly #transfers = new WeakMap<Camera, FirmwareTransfer>();

	constructor(options: UpdatesOptions) {
		this.#options = options;
		this.store = options.store;
		options.cameras.subscribe((camera, change) => {
			if (change === "online") this.#returned(camera);
		});
	}

	/** Starts sending firmware `version` of the camera's board; throws a coded error when it cannot. */
	offer(camera: Camera, version: string): UpdateProgress {
		const { connection, hello } = camera.presence;
		if (connection === undefined) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera.id);
		if (!(hello.flags & HELLO_FLAG_UPDATES)) throw xscamError("XSCAM_ERR_NO_UPDATES", camera.id, hello.firmware);
		const image = this.store.get(hello.board, version);
		if (image === undefined) throw xscamError("XSCAM_ERR_FIRMWARE_NOT_FOUND", version, hello.board);
		const { log, maxBodyBytes } = this.#options;
		const chunkSize = Math.min(UPDATE_CHUNK_MAX, maxBodyBytes);
		const transfer = connection.update(image, this.store.read(image), chunkSize, (progress) => this.#changed(camera, progress));
		this.#transfers.set(camera, transfer);
		log.info({ camera: camera.id, version, size: image.size, from: hello.firmware }, "camera " + camera.id + ": updating from " + hello.firmware + " to " + version + " (" + image.size + " bytes)");
		return transfer.progress;
	}

	/** The camera's last update, if any since the receiver started. */
	progress(camera: Camera): UpdateProgress | undefined {
		const transfer = this.#transfers.get(camera);
		if (transfer?.progress.phase === "restarting" && this.#options.clock.now() - transfer.progress.since > RETURN_MS)
			transfer.finish("failed", "the camera did not come back within " + RETURN_MS / 60_000 + " min of restarting");
		return transfer?.progress;
	}

	#returned(camera: Camera): void {
		const transfer = this.#transfers.get(camera);
		if (transfer?.progress.phase !== "restarting") return;
		const running = camera.presence.hello.firmware;
		if (running === transfer.progress.version) transfer.finish("done");
		else transfer.finish("failed", "the camera came back running " + running + ": it went back to its previous firmware");
	}

	#changed(camera: Camera, progress: UpdateProgress): void {
		if (progress.phase === "sending") return; // a chunk: no line per chunk
		const { log } = this.#options;
		const fields = { camera: camera.id, version: progress.version, written: progress.written, size: progress.size };
		if (progress.phase === "failed") log.warn({ ...fields, reason: progress.reason }, "camera " + camera.id + ": update to " + progress.version + " failed: " + progress.reason);
		else if (progress.phase === "restarting") log.info(fields, "camera " + camera.id + ": verified " + progress.version + ", restarting into it");
		else log.info(fields, "camera " + camera.id + ": now running " + progress.version);
	}
}
