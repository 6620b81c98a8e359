// A camera that fails to start, or stops giving frames (the ESP32 camera driver's "Failed to get the
// frame on time", after hours for some boards), is not re-opened: closing and reopening it is not
// reliable on the ESP32 (capture.ts). The device restarts instead. A counter in preference, cleared by
// the first frame after a start, keeps a camera that fails at every start from restarting in a loop:
// after MAX_CAMERA_RESTARTS in a row the device stays up without its camera, and says so once.

import type Preference from "preference";
import type Timer from "timer";

// NVS domains and keys are at most 15 characters (hosttest/host/preference.ts).
const DOMAIN = "xscamCamera";
const RESTARTS = "restarts";

/** No frame from the camera for this long is a stall, ms. */
export const CAMERA_STALL_MS = 10_000;
export const MAX_CAMERA_RESTARTS = 3;
/** Before a restart for a camera that failed to start: 5, 10, 20 s, so a board whose sensor needs time gets it. */
const INIT_RETRY_MS = 5000;

type TimerId = ReturnType<typeof Timer.set>;

export interface CameraRestartIO {
	Timer: typeof Timer;
	Preference: typeof Preference;
	log: (line: string) => void;
	/** Restarts the device now. */
	restart: (why: string) => void;
}

/** The camera failed to start (`why`): the device restarts after a growing wait, unless it did so MAX_CAMERA_RESTARTS times in a row. */
export function cameraFailedToStart(io: CameraRestartIO, why: string): void {
	const count = restartsInARow(io.Preference);
	if (!mayRestart(io, count, why)) return;
	const wait = INIT_RETRY_MS << count;
	io.Timer.set(() => restartFor(io, count, why), wait);
	io.log("camera: " + why + "; restarting in " + wait / 1000 + " s (" + (count + 1) + " of " + MAX_CAMERA_RESTARTS + ")");
}

export interface CameraWatchdogOptions extends CameraRestartIO {
	/** Frames the camera gave since the start. */
	captured: () => number;
}

export class CameraWatchdog {
	readonly #options: CameraWatchdogOptions;
	#check: TimerId | undefined;
	#seen = 0;
	#confirmed = false;

	constructor(options: CameraWatchdogOptions) {
		this.#options = options;
		this.#check = options.Timer.repeat(() => this.#checked(), CAMERA_STALL_MS);
	}

	close(): void {
		if (this.#check !== undefined) this.#options.Timer.clear(this.#check);
		this.#check = undefined;
	}

	#checked(): void {
		const captured = this.#options.captured();
		if (captured > this.#seen) {
			this.#seen = captured;
			if (!this.#confirmed) {
				this.#confirmed = true; // the camera works in this start: a later stall is a new one
				if (restartsInARow(this.#options.Preference) > 0) this.#options.Preference.delete(DOMAIN, RESTARTS);
			}
			return;
		}
		this.close();
		const why = "no frame for " + CAMERA_STALL_MS / 1000 + " s";
		const count = restartsInARow(this.#options.Preference);
		if (mayRestart(this.#options, count, why)) restartFor(this.#options, count, why);
	}
}

function restartsInARow(preference: typeof Preference): number {
	const count = preference.get(DOMAIN, RESTARTS);
	return typeof count === "number" ? count : 0;
}

function mayRestart(io: CameraRestartIO, count: number, why: string): boolean {
	if (count < MAX_CAMERA_RESTARTS) return true;
	io.log("camera: " + why + "; not restarting again after " + count + " restarts in a row for it (power the board off and on)");
	return false;
}

function restartFor(io: CameraRestartIO, count: number, why: string): void {
	io.Preference.set(DOMAIN, RESTARTS, count + 1);
	io.restart("the camera: " + why);
}
