// The JSON API: cameras, their status, the settings each announced, and control requests.

import type { FastifyInstance } from "fastify";
import type { Camera } from "../cameras/camera";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { controlSettings } from "./control-body";
import { ControlRate } from "./control-rate";
import type { CameraStatus } from "./status";

export type IdParams = { Params: { id: string } };

/** The camera a route's :id names; throws XSCAM_ERR_CAMERA_NOT_FOUND (404). */
export function cameraOf(core: Core, id: string): Camera {
	const camera = core.cameras.get(id);
	if (camera === undefined) throw xscamError("XSCAM_ERR_CAMERA_NOT_FOUND", JSON.stringify(id));
	return camera;
}

/** Control requests a second, per camera and per client (its user or token; its address when --insecure-viewers lets anyone in). */
const PER_CAMERA = 10;
const PER_CLIENT = 5;

export function apiRoutes(core: Core, status: (camera: Camera) => CameraStatus) {
	const perCamera = new ControlRate(core.clock, PER_CAMERA);
	const perClient = new ControlRate(core.clock, PER_CLIENT);
	return async (app: FastifyInstance) => {
		app.get("/api/cameras", async () => ({ cameras: core.cameras.list().map(status) }));

		app.get<IdParams>("/api/cameras/:id", async (request) => status(cameraOf(core, request.params.id)));

		// null: the camera announced nothing (its settings are not known here).
		app.get<IdParams>("/api/cameras/:id/controls", async (request) => ({ controls: cameraOf(core, request.params.id).presence.controls ?? null }));

		// 1. check the body against what the camera announced, 2. send a control message with a new request
		// id through the camera's connection, 3. wait for the control result with that id (or the timeout:
		// 504) and check it answers exactly the keys asked (or 502), 4. return it.
		app.post<IdParams & { Body: unknown }>("/api/cameras/:id/control", { config: { right: "control" } }, async (request) => {
			const camera = cameraOf(core, request.params.id);
			const client = core.options.insecureViewers ? "address " + request.ip : request.principal!.name;
			if (!perClient.take(client)) throw xscamError("XSCAM_ERR_CONTROL_RATE", client, PER_CLIENT, "control requests");
			if (!perCamera.take(camera.id)) throw xscamError("XSCAM_ERR_CONTROL_RATE", "camera " + camera.id, PER_CAMERA, "control requests");
			const { connection, controls } = camera.presence;
			const settings = controlSettings(request.body, controls);
			if (connection === undefined) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", camera.id);
			const { requestId, applied, pending, refused } = await connection.control(settings);
			core.log.info({ camera: camera.id, requestId, applied, pending, refused, who: request.principal?.name },
				"camera " + camera.id + " answered control request " + requestId + " of " + request.principal?.name);
			return { requestId, applied, pending, refused };
		});
	};
}
