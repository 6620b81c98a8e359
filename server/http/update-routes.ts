// The firmware API: the images the receiver holds, and offering one to a camera, to a list of cameras,
// or to every camera of a board. Changing a camera's firmware is a control right. The progress of each
// update is in the camera's status (GET /api/cameras/:id, "update").

import type { FastifyInstance } from "fastify";
import type { Core } from "../core";
import { isXscamError, xscamError } from "../errors";
import { cameraOf, type IdParams } from "./api-routes";

type OfferParams = { Params: { board: string; version: string }; Body: unknown };

function versionOf(body: unknown): string {
	const version = (body as { version?: unknown } | null)?.version;
	if (typeof version !== "string" || version === "") throw xscamError("XSCAM_ERR_BAD_CONTROL", "the body must be {\"version\": \"<firmware version>\"}");
	return version;
}

function camerasOf(body: unknown): string[] | undefined {
	const cameras = (body as { cameras?: unknown } | null)?.cameras;
	if (cameras === undefined) return undefined;
	if (!Array.isArray(cameras) || !cameras.every((id) => typeof id === "string"))
		throw xscamError("XSCAM_ERR_BAD_CONTROL", "\"cameras\" must be a list of camera ids (leave it out for every camera of the board)");
	return cameras;
}

export function updateRoutes(core: Core) {
	const { updates } = core;
	return async (app: FastifyInstance) => {
		app.get("/api/firmware", async () => ({ images: updates.store.list() }));

		app.post<IdParams & { Body: unknown }>("/api/cameras/:id/update", { config: { right: "control" } }, async (request, reply) => {
			const camera = cameraOf(core, request.params.id);
			const update = updates.offer(camera, versionOf(request.body));
			core.log.info({ camera: camera.id, who: request.principal?.name }, "update of camera " + camera.id + " asked by " + (request.principal?.name ?? request.ip));
			return reply.code(202).send({ update });
		});

		// Every camera of the board that is online (or those listed): each is offered the image, and each
		// answer says whether it started or why not; one camera's refusal does not stop the others.
		app.post<OfferParams>("/api/firmware/:board/:version/offer", { config: { right: "control" } }, async (request) => {
			const { board, version } = request.params;
			if (updates.store.get(board, version) === undefined) throw xscamError("XSCAM_ERR_FIRMWARE_NOT_FOUND", version, board);
			const listed = camerasOf(request.body);
			const cameras = listed ? listed.map((id) => cameraOf(core, id)) : core.cameras.list().filter((camera) => camera.presence.hello.board === board && camera.presence.connection);
			const offered = cameras.map((camera) => {
				try {
					if (camera.presence.hello.board !== board) throw xscamError("XSCAM_ERR_FIRMWARE_NOT_FOUND", version, camera.presence.hello.board);
					return { camera: camera.id, update: updates.offer(camera, version) };
				}
				catch (error) {
					if (!isXscamError(error)) throw error;
					return { camera: camera.id, code: error.code, error: error.message };
				}
			});
			return { offered };
		});
	};
}
