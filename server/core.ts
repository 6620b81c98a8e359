// What every part of the receiver shares. receiver.ts makes one Core and hands it to each part's
// register function (ingest, viewers and HTTP, recorder), fastify-style: a part owns its own state,
// timers and metrics, and reaches the others only through what is here.

import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { KeyLookup } from "./auth/camera-keys";
import type { FrameBus } from "./cameras/frame-bus";
import type { CameraRegistry } from "./cameras/registry";
import type { Clock } from "./clock";
import type { ResolvedOptions } from "./options";
import type { TlsFiles } from "./tls-files";
import type { FirmwareUpdates } from "./update/updates";

export interface Core {
	readonly options: ResolvedOptions;
	readonly log: Logger;
	readonly clock: Clock;
	readonly cameras: CameraRegistry;
	/** The keys of the cameras that authenticate (auth/camera-keys.ts). */
	readonly cameraKeys: KeyLookup;
	/** Every frame ingest takes, to the viewers and the recorder. */
	readonly frames: FrameBus;
	/** The certificate and key both ports serve TLS with; undefined: clear text. */
	readonly tls: TlsFiles | undefined;
	/** This receiver's metrics; never prom-client's global registry, so two receivers in one process stay apart. */
	readonly registry: Registry;
	/** The firmware images, and the updates of cameras to them (update/). */
	readonly updates: FirmwareUpdates;
}

/** A registered part: started in order, closed in reverse order. */
export interface Part {
	start?(): Promise<void>;
	/** Releases every socket, timer and file handle the part holds. Safe to call once, even if start failed or never ran. */
	close(): Promise<void>;
}
