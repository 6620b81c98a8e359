// What a camera's state topic carries, one JSON object that every sensor and setting entity reads with
// its value_template: the numbers of GET /api/cameras/:id, and the camera's settings as their entities
// show them. The receiver does not know a camera's current settings (the protocol never reports them):
// a setting is the value the camera last answered it applied or stored, through the API or a Home
// Assistant command, on its current connection, and null (Home Assistant: "unknown") until then.
// A null renders as "None" in a template, which every platform used here reads as unknown.

import type { ControlDescription, ControlSettings, ControlValue } from "../../src/protocol/types";
import type { CameraStatus } from "../http/status";
import { entityValue, isButton, isMove } from "./settings";

export interface CameraState {
	online: boolean;
	fps: number;
	kbps: number;
	latencyMs: number | null;
	rssi: number | null;
	/** The camera's uptime, seconds. */
	uptime: number | null;
	/** Gaps in the sequence numbers since the receiver started (status frames.lost). */
	framesLost: number;
	/** The camera's own count, reset when it restarts (status frames.droppedOnDevice). */
	framesDropped: number | null;
	/** Every announced setting, by key. */
	settings: { [key: string]: ControlValue | null };
}

export function cameraState(status: CameraStatus, controls: ControlDescription[] | undefined, known: Readonly<ControlSettings>): CameraState {
	const settings: CameraState["settings"] = {};
	for (const control of controls ?? []) if (!isMove(control) && !isButton(control)) settings[control.key] = entityValue(control, known[control.key]);
	return {
		online: status.online, fps: status.fps, kbps: status.kbps, latencyMs: status.latencyMs, rssi: status.rssi, uptime: status.uptime,
		framesLost: status.frames.lost, framesDropped: status.frames.droppedOnDevice, settings,
	};
}
