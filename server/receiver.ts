// createReceiver(): the receiver as a composition of parts, each added by its register function and
// owning its own state (fastify's plugins, without the plugin system): ingest (TCP, the wire protocol),
// HTTP (web page, API, MJPEG fan-out, /metrics), RTSP, the recorder, and with --mqtt Home Assistant's
// MQTT discovery, and with --cluster the fleet on NATS (cluster/). They meet in one Core: the options, the logger, the clock, the camera registry and the
// metrics registry.

import pino from "pino";
import { CameraKeys } from "./auth/camera-keys";
import { isLoopback, readTlsFiles } from "./tls-files";
import { Sessions } from "./auth/sessions";
import { ViewerAccess, type Right } from "./auth/viewer-access";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Camera } from "./cameras/camera";
import { FrameBus } from "./cameras/frame-bus";
import { CameraRegistry } from "./cameras/registry";
import { systemClock } from "./clock";
import type { Core, Part } from "./core";
import { xscamError } from "./errors";
import { registerCluster } from "./cluster/cluster";
import { registerHomeAssistant } from "./home-assistant/bridge";
import { registerHttp } from "./http/app";
import type { ViewerInfo } from "./http/fan-out";
import type { CameraStatus } from "./http/status";
import { registerIngest } from "./ingest/listener";
import { counter, createRegistry, gauge } from "./metrics";
import { resolveOptions } from "./options";
import type { ReceiverOptions } from "./options";
import { registerRecorder } from "./record/recorder";
import { registerRtsp } from "./rtsp/server";
import { FirmwareStore } from "./update/firmware-store";
import { FirmwareUpdates } from "./update/updates";
import { registerWatchedSignal } from "./viewers/watched-signal";

export interface Receiver {
	/** Binds its ports (0: an ephemeral port) and resolves with the real ones. Rejects with a coded error, having released everything. */
	start(): Promise<{ ingestPort: number; httpPort: number; rtspPort: number }>;
	/** Closes cameras, viewers, files, timers and ports; resolves when all are released. Idempotent. */
	close(): Promise<void>;
	/** The status of one camera (as GET /api/cameras/:id), or of all. */
	status(cameraId: string): CameraStatus | undefined;
	list(): CameraStatus[];
	/** The MJPEG viewers of a camera, with how far each is behind. */
	viewers(cameraId: string): ViewerInfo[];
	/** A one-time login code: `/?login=<code>` opens a session with `rights`, once, within ten minutes. */
	grantLogin(rights?: Right[]): string;
	/** This receiver's Prometheus registry (GET /metrics renders it). */
	readonly registry: Registry;
	readonly log: Logger;
}

/** Checks `options` at once (throws XSCAM_ERR_OPTION) and returns a receiver that binds nothing until start(). */
export function createReceiver(options: ReceiverOptions = {}): Receiver {
	const resolved = resolveOptions(options);
	const log = resolved.logger ?? pino({ level: resolved.logLevel, base: undefined, timestamp: pino.stdTimeFunctions.isoTime },
		pino.destination({ fd: 1, sync: true })); // sync: an exit right after a fatal line still prints it
	const clock = resolved.clock ?? systemClock;
	const cameras = new CameraRegistry(resolved.maxCameras, clock);
	const registry = createRegistry(resolved.processMetrics ?? false);
	const cameraKeys = resolved.cameraKeys ?? new CameraKeys(resolved.keysFile, (line) => log.warn(line));
	const updates = new FirmwareUpdates({ cameras, clock, log, store: new FirmwareStore(resolved.firmwareDir), maxBodyBytes: resolved.maxBodyBytes });
	const core: Core = { options: resolved, log, clock, cameras, cameraKeys, frames: new FrameBus(), registry, tls: readTlsFiles(resolved), updates };
	registerCameraMetrics(core);

	const access = resolved.viewerAccess ?? new ViewerAccess(resolved.usersFile, (line) => log.warn(line));
	const sessions = new Sessions(clock);
	const ingest = registerIngest(core);
	const http = registerHttp(core, { access, sessions });
	const rtsp = registerRtsp(core, access);
	const viewersOf = (id: string) => http.viewers(id).length + rtsp.count(id);
	const watched = registerWatchedSignal(core, viewersOf);
	// With --cluster, the cameras are shared with a fleet, and only the receiver that holds a camera records it.
	const cluster = resolved.cluster.length > 0 ? registerCluster(core, viewersOf) : undefined;
	const recorder = registerRecorder(cluster ? { ...core, frames: cluster.frames } : core);
	const parts: Part[] = [recorder, ...(cluster ? [cluster] : []), ingest, http, rtsp, watched]; // the recorder first: it must see the first frame
	if (resolved.mqttUrl !== "") parts.push(registerHomeAssistant(core, http.status)); // closed first: it says "offline" while the rest still runs
	let used = false; // a receiver starts once; a second start needs a new receiver (ports, timers, state)
	let closing: Promise<void> | undefined;

	const receiver: Receiver = {
		registry,
		log,
		async start() {
			if (used) throw xscamError("XSCAM_ERR_ALREADY_STARTED");
			used = true;
			try {
				for (const part of parts) await part.start?.();
			}
			catch (error) {
				await receiver.close();
				throw error;
			}
			warnAboutCameras(core);
			warnAboutViewers(core, access);
			if (!core.tls && !isLoopback(resolved.host))
				log.warn("no --tls-cert: cameras and viewers on " + resolved.host + " are served in clear text; anyone on the way can read the frames (docs/security.md)");
			const ports = { ingestPort: ingest.port, httpPort: http.port, rtspPort: rtsp.port };
			log.info({ ...ports, host: resolved.host, tls: core.tls !== undefined, maxCameras: resolved.maxCameras }, "xscam receiver listening: cameras on port " + ports.ingestPort +
				(core.tls ? " (TLS)" : "") + ", viewers on " + (core.tls ? "https" : "http") + "://" +
				(resolved.host === "0.0.0.0" || resolved.host === "::" ? "localhost" : resolved.host) + ":" + ports.httpPort + "/");
			return ports;
		},
		close() {
			closing ??= (async () => {
				used = true;
				// In reverse: stop taking frames and viewers first, then flush the recordings.
				for (const part of [...parts].reverse()) await part.close();
				log.info("xscam receiver closed");
			})();
			return closing;
		},
		status(cameraId) {
			const camera = cameras.get(cameraId);
			return camera && http.status(camera);
		},
		list: () => cameras.list().map(http.status),
		viewers: (cameraId) => http.viewers(cameraId),
		grantLogin: (rights = ["view", "control"]) => sessions.grant({ name: "a one-time link", rights }),
	};
	return receiver;
}

/** A receiver that takes no camera at all, or any camera, says so once, at start. */
function warnAboutCameras({ options, cameraKeys, log }: Core): void {
	if (options.insecureCameras) {
		log.warn("--insecure-cameras: cameras without a key are taken without authenticating; anyone who reaches port " +
			options.ingestPort + " can stream as one (docs/security.md)");
	}
	else if (cameraKeys.size === 0) {
		log.warn("no camera keys in " + options.keysFile + ": every camera will be refused; add one with `xscam-server keys add <id>` (docs/security.md)");
	}
}

function warnAboutViewers({ options, log }: Core, access: ViewerAccess): void {
	if (options.insecureViewers) log.warn("--insecure-viewers: anyone who reaches port " + options.httpPort + " may watch and change settings (docs/security.md)");
	else if (access.empty) log.warn("no users or tokens in " + options.usersFile + ": nobody can log in; add one with `xscam-server users add <name>` (docs/security.md)");
}

/** The per-camera numbers of each camera's presence and intake, and of its last stats message. */
function registerCameraMetrics({ registry, cameras }: Core): void {
	type Report = (labels: { camera: string }, value: number) => void;
	const each = (read: (camera: Camera) => number | undefined) => (report: Report) => {
		for (const camera of cameras.list()) {
			const value = read(camera);
			if (value !== undefined) report({ camera: camera.id }, value);
		}
	};
	gauge(registry, "xscam_camera_online", "1 while the camera is connected", ["camera"], each((c) => (c.presence.connection ? 1 : 0)));
	counter(registry, "xscam_camera_connections_total", "Connections that said hello with this camera's id", ["camera"], each((c) => c.presence.connections));
	counter(registry, "xscam_frames_received_total", "Frames received from the camera", ["camera"], each((c) => c.intake.framesReceived));
	counter(registry, "xscam_received_bytes_total", "JPEG bytes received from the camera", ["camera"], each((c) => c.intake.bytesReceived));
	counter(registry, "xscam_frames_lost_total", "Frames lost between the camera and the receiver (sequence gaps)", ["camera"], each((c) => c.intake.framesLost));
	counter(registry, "xscam_frames_bad_total", "Frames dropped because they were not JPEG", ["camera"], each((c) => c.intake.framesBad));
	counter(registry, "xscam_frames_misdated_total", "Frames whose capture time was not believable (the camera's clock is off)", ["camera"], each((c) => c.intake.framesMisdated));
	counter(registry, "xscam_device_frames_dropped_total", "Frames the camera dropped itself, from its stats (resets when it restarts)", ["camera"], each((c) => c.intake.stats?.dropped));
	gauge(registry, "xscam_device_rssi_dbm", "Wi-Fi signal the camera reports", ["camera"], each((c) => c.intake.stats?.rssi));
	gauge(registry, "xscam_device_free_heap_bytes", "Free heap the camera reports", ["camera"], each((c) => c.intake.stats?.freeHeap));
}
