// The JSON API: cameras, their status, the settings each announced, control requests, and forgetting a camera.

import type { FastifyInstance } from "fastify";
import type { Camera } from "../cameras/camera";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { requestControl } from "./control-body";
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
export const PER_CAMERA = 10;
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
			const { requestId, applied, pending, refused } = await requestControl(core, camera, request.body, request.principal?.name);
			return { requestId, applied, pending, refused };
		});

		// The receiver forgets an offline camera (its counters, latest frame, settings; its Home Assistant
		// entities); 409 while it is online, since it would come back at once.
		app.delete<IdParams>("/api/cameras/:id", { config: { right: "control" } }, async (request, reply) => {
			const camera = core.cameras.remove(request.params.id);
			core.log.info({ camera: camera.id, who: request.principal?.name }, "camera " + camera.id + " removed by " + request.principal?.name);
			return reply.code(204).send();
		});
	};
}
