// Moving a camera to another receiver or Wi-Fi network (docs/protocol.md, "Moving a camera"). POST
// /api/cameras/:id/move takes only the move settings the camera announced (those that apply "after a
// trial") and sends them as a control request (control-body.ts checks them, and refuses a secret such
// as the Wi-Fi password unless the camera port has TLS). The camera answers "pending" and tries the
// move; it keeps it only once welcomed through the new settings, and otherwise comes back. The receiver
// cannot see the trial, only the camera coming back: GET /api/cameras/:id/move says what it saw. The
// password is never kept, logged or answered (the camera shows it back as "(hidden)").

import type { FastifyInstance } from "fastify";
import type { ControlSettings } from "../../src/protocol/types";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { cameraOf, type IdParams } from "./api-routes";
import { requestControl } from "./control-body";
import { ControlRate } from "./control-rate";

/** Moves a second, per camera: a person re-pointing a camera, not a script. */
const MOVES_PER_SECOND = 1;

export interface MoveRecord {
	/** What the camera was asked to take, as it answered (a secret shown as it showed it). */
	settings: ControlSettings;
	/** When it answered (ISO 8601). */
	at: string;
	/**
	 * "trying": not seen since; "came back": it connected here again since. After a move to another
	 * receiver that means the move failed or was undone; after a Wi-Fi move alone it is how either ending
	 * looks from here (the camera's log says which).
	 */
	outcome: "trying" | "came back";
	cameBackAt?: string;
}

export function moveRoutes(core: Core) {
	const perCamera = new ControlRate(core.clock, MOVES_PER_SECOND);
	const moves = new Map<string, MoveRecord>();
	const iso = () => new Date(core.clock.now()).toISOString();
	return async (app: FastifyInstance) => {
		const cancel = core.cameras.subscribe((camera, change) => {
			const move = moves.get(camera.id);
			if (change === "removed") moves.delete(camera.id);
			else if (change === "online" && move?.outcome === "trying") {
				Object.assign(move, { outcome: "came back", cameBackAt: iso() });
				core.log.warn({ camera: camera.id }, "camera " + camera.id + " came back after being moved: " +
					("server" in move.settings || "port" in move.settings ? "the move failed or was undone" : "its log says whether the new Wi-Fi worked"));
			}
		});
		app.addHook("onClose", async () => cancel());

		app.post<IdParams & { Body: unknown }>("/api/cameras/:id/move", { config: { right: "control" } }, async (request) => {
			const camera = cameraOf(core, request.params.id);
			const body = request.body;
			const takes = (camera.presence.controls ?? []).filter((control) => control.applies === "after a trial").map((control) => control.key);
			if (takes.length === 0) throw xscamError("XSCAM_ERR_BAD_CONTROL", "camera " + camera.id + " cannot be moved (its firmware announces no move settings)");
			if (typeof body === "object" && body !== null && !Array.isArray(body)) {
				const other = Object.keys(body).find((key) => !takes.includes(key));
				if (other !== undefined) throw xscamError("XSCAM_ERR_BAD_CONTROL", JSON.stringify(other) + " is not a move setting; a move takes " + takes.join(", "));
			}
			if (!perCamera.take(camera.id)) throw xscamError("XSCAM_ERR_CONTROL_RATE", "camera " + camera.id, MOVES_PER_SECOND, "moves");
			const { requestId, applied, pending, refused } = await requestControl(core, camera, body, request.principal?.name);
			if (Object.keys(pending).length > 0) moves.set(camera.id, { settings: pending, at: iso(), outcome: "trying" });
			return { requestId, applied, pending, refused };
		});

		app.get<IdParams>("/api/cameras/:id/move", async (request) => ({ move: moves.get(cameraOf(core, request.params.id).id) ?? null }));
	};
}
