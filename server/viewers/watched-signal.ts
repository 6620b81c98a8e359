// Tells each camera with a flash LED whether anyone watches it, so its LED can light "while someone
// watches" (src/camera/flash-led.ts): the receiver knows its viewers, the device does not. A camera that
// announced the `flash` control gets a control {"watched": 1} when its first viewer (MJPEG or RTSP)
// comes and {"watched": 0} when its last goes, and the current state once it has announced its controls,
// after each welcome (docs/protocol.md, "The flash LED"). The protocol's values are numbers or strings,
// so it is 1 or 0, not a boolean. RTSP clients start and stop playing without an event, so the counts
// are read every CHECK_MS, and only while such a camera is connected: an idle receiver keeps no timer.
// Nobody asked for these requests, so they go straight to the connection, not through requestControl:
// `watched` is not a setting a viewer may send, and not one the camera's known settings show.

import type { Camera, CameraConnection } from "../cameras/camera";
import type { Cancel } from "../clock";
import type { Core, Part } from "../core";

/** How soon a change in viewers reaches the camera, at most. */
export const CHECK_MS = 1000;
/** The control a camera with a flash LED announces, and the key the receiver sends it. */
export const FLASH_KEY = "flash";
export const WATCHED_KEY = "watched";

interface Told {
	readonly connection: CameraConnection;
	/** What the camera was last told on this connection; undefined: nothing yet, or the telling failed. */
	watched: boolean | undefined;
}

/** `viewersOf` counts a camera's viewers, every kind. */
export function registerWatchedSignal(core: Core, viewersOf: (cameraId: string) => number): Part {
	const { cameras, clock, log } = core;
	const told = new Map<Camera, Told>();
	let cancelCheck: Cancel | undefined;

	const tell = (camera: Camera, entry: Told) => {
		const watched = viewersOf(camera.id) > 0;
		if (entry.watched === watched) return;
		entry.watched = watched;
		const value = watched ? 1 : 0;
		entry.connection.control({ [WATCHED_KEY]: value }).then(
			(result) => {
				if (WATCHED_KEY in result.refused) log.warn({ camera: camera.id, refused: result.refused }, "camera " + camera.id + " refused " + WATCHED_KEY + ": " + result.refused[WATCHED_KEY]);
				else log.debug({ camera: camera.id, watched: value }, "camera " + camera.id + " told watched " + value);
			},
			(error: Error) => {
				if (entry.watched === watched) entry.watched = undefined; // tell it again at the next check
				log.debug({ camera: camera.id, error: error.message }, "camera " + camera.id + " not told watched " + value + ": " + error.message);
			},
		);
	};

	const check = () => told.forEach((entry, camera) => tell(camera, entry));

	const forget = (camera: Camera) => {
		told.delete(camera);
		if (told.size === 0) {
			cancelCheck?.();
			cancelCheck = undefined;
		}
	};

	const unsubscribe = cameras.subscribe((camera, change) => {
		if (change === "described") {
			const { connection, controls } = camera.presence;
			if (connection === undefined || !controls?.some((control) => control.key === FLASH_KEY)) return forget(camera);
			const entry: Told = { connection, watched: undefined };
			told.set(camera, entry);
			cancelCheck ??= clock.every(CHECK_MS, check);
			tell(camera, entry);
		}
		else if (change === "online" || change === "offline" || change === "removed") forget(camera);
	});

	return {
		async close() {
			unsubscribe();
			cancelCheck?.();
			cancelCheck = undefined;
			told.clear();
		},
	};
}
