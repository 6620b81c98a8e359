// What a control request accepts, from POST /api/cameras/:id/control or a Home Assistant command: the
// settings the camera announced in its capabilities (docs/protocol.md), each checked by the rule the
// firmware applies too (src/protocol/controls.ts), so a 400 names the key and what it allows before
// anything reaches the camera. A choice is forwarded as the camera spells it ("vga" goes as "VGA"). A
// camera that announced nothing (firmware of protocol v1 before capabilities) gets its settings unchecked
// here: it answers every key itself. Both ways in send through requestControl(), so they check, log and
// record the answer alike.

import { rule, settle } from "../../src/protocol/controls";
import type { ControlDescription, ControlResult, ControlSettings } from "../../src/protocol/types";
import type { Camera } from "../cameras/camera";
import type { Core } from "../core";
import { xscamError } from "../errors";

/** The request body as control settings for a camera that announced `controls`; throws XSCAM_ERR_BAD_CONTROL (400). */
export function controlSettings(body: unknown, controls: ControlDescription[] | undefined): ControlSettings {
	if (typeof body !== "object" || body === null || Array.isArray(body))
		throw xscamError("XSCAM_ERR_BAD_CONTROL", "the body must be a JSON object of settings, e.g. {\"brightness\": 1}");
	const keys = Object.keys(body);
	const known = controls === undefined ? "" : "; this camera takes " + controls.map((control) => control.key).join(", ");
	if (keys.length === 0) throw xscamError("XSCAM_ERR_BAD_CONTROL", "no settings given" + known);
	const settings: ControlSettings = Object.create(null);
	for (const key of keys) {
		const value = (body as { [key: string]: unknown })[key];
		if (controls === undefined) {
			if (typeof value !== "number" && typeof value !== "string") throw xscamError("XSCAM_ERR_BAD_CONTROL", key + " must be a number or a string, got " + JSON.stringify(value));
			settings[key] = value;
			continue;
		}
		const control = controls.find((candidate) => candidate.key === key);
		if (control === undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", "unknown setting " + JSON.stringify(key) + known);
		const settled = settle(control, value);
		if (settled === undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", key + " must be " + rule(control) + ", got " + JSON.stringify(value));
		settings[key] = settled;
	}
	return settings;
}

/**
 * Checks `body` (controlSettings), sends it to the camera and resolves with its checked answer, which
 * the registry keeps as the camera's known settings and the log records with `who` asked. Throws
 * XSCAM_ERR_BAD_CONTROL, XSCAM_ERR_SECRET_IN_CLEAR (a secret, such as a Wi-Fi password, on a camera
 * port without TLS: anyone on the path would read it) or XSCAM_ERR_CAMERA_OFFLINE; rejects with what the connection rejects with.
 */
export async function requestControl(core: Core, camera: Camera, body: unknown, who: string | undefined): Promise<ControlResult> {
	const { connection, controls } = camera.presence;
	const settings = controlSettings(body, controls);
	const secret = controls?.find((control) => control.kind === "text" && control.secret && control.key in settings);
	if (secret && !core.tls) throw xscamError("XSCAM_ERR_SECRET_IN_CLEAR", secret.label);
	if (connection === undefined) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera.id);
	const result = await connection.control(settings);
	const { requestId, applied, pending, refused } = result;
	core.cameras.controlled(camera, connection, result);
	core.log.info({ camera: camera.id, requestId, applied, pending, refused, who }, "camera " + camera.id + " answered control request " + requestId + " of " + who);
	return result;
}
