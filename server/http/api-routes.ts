// The JSON API: cameras, their status, control requests, and the rules of the control settings.

import type { FastifyInstance } from "fastify";
import type { Camera } from "../cameras";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { CONTROL_RULES, controlSettings } from "./control-body";
import type { CameraStatus } from "./status";

export type IdParams = { Params: { id: string } };

/** The camera a route's :id names; throws XSCAM_ERR_CAMERA_NOT_FOUND (404). */
export function cameraOf(core: Core, id: string): Camera {
	const camera = core.cameras.get(id);
	if (camera === undefined) throw xscamError("XSCAM_ERR_CAMERA_NOT_FOUND", JSON.stringify(id));
	return camera;
}

export function apiRoutes(core: Core, status: (camera: Camera) => CameraStatus) {
	return async (app: FastifyInstance) => {
		app.get("/api/cameras", async () => ({ cameras: core.cameras.list().map(status) }));

		app.get<IdParams>("/api/cameras/:id", async (request) => status(cameraOf(core, request.params.id)));

		app.get("/api/controls", async () => ({ controls: CONTROL_RULES }));

		// 1. validate the body, 2. send a control message with a new request id through the camera's
		// connection, 3. wait for the control result with that id (or the timeout: 504), 4. return it.
		app.post<IdParams & { Body: unknown }>("/api/cameras/:id/control", async (request) => {
			const camera = cameraOf(core, request.params.id);
			const settings = controlSettings(request.body);
			if (camera.link === undefined) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera.id);
			const { requestId, applied, pending, refused } = await camera.link.control(settings);
			core.log.info({ camera: camera.id, requestId, applied, pending, refused }, "camera " + camera.id + " answered control request " + requestId);
			return { requestId, applied, pending, refused };
		});
	};
}
