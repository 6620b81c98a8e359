// What viewers fetch: a camera's live MJPEG stream and its latest frame as a JPEG.

import type { FastifyInstance } from "fastify";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { cameraOf } from "./api-routes";
import type { IdParams } from "./api-routes";
import { MJPEG_CONTENT_TYPE } from "./fan-out";
import type { FanOut } from "./fan-out";

const NO_CACHE = "no-cache, no-store, must-revalidate";
/** How often a stream's credentials are read again: a revoked token or a removed user stops watching within this. */
const ACCESS_RECHECK_MS = 5000;

export function mediaRoutes(core: Core, fanOut: FanOut) {
	return async (app: FastifyInstance) => {
		app.get<IdParams>("/cameras/:id/stream.mjpeg", (request, reply) => {
			const camera = cameraOf(core, request.params.id);
			if (request.method === "HEAD") return reply.type(MJPEG_CONTENT_TYPE).header("cache-control", NO_CACHE).send();
			// From here on the fan-out writes the raw socket: status line, headers and parts (fan-out.ts says why).
			reply.hijack();
			const { socket } = request.raw;
			fanOut.add(camera, socket);
			const cancel = core.clock.every(ACCESS_RECHECK_MS, () => {
				if (request.stillHolds("view")) return;
				core.log.info({ camera: camera.id, remote: request.ip }, "viewer " + request.ip + " of camera " + camera.id + " may no longer view it: stream ended");
				socket.destroy();
			});
			socket.once("close", cancel);
			return reply;
		});

		app.get<IdParams>("/cameras/:id/snapshot.jpg", async (request, reply) => {
			const camera = cameraOf(core, request.params.id);
			const frame = camera.intake.latest;
			if (frame === undefined) throw xscamError("XSCAM_ERR_NO_FRAME", camera.id);
			return reply.type("image/jpeg").header("cache-control", NO_CACHE)
				.header("x-capture-time", new Date(frame.captureTime).toISOString()).send(frame.jpeg);
		});
	};
}
