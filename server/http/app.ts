// The HTTP side of the receiver (fastify): the web page, the JSON API, MJPEG streams and snapshots,
// and /metrics, with the MJPEG fan-out fed by every frame the cameras send.

import { STATUS_CODES } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import fastifyCookie from "@fastify/cookie";
import fastifyRateLimit from "@fastify/rate-limit";
import Fastify, { LogController } from "fastify";
import type { FastifyError } from "fastify";
import type { Camera } from "../cameras/camera";
import type { Core, Part } from "../core";
import { isXscamError, listenError, xscamError } from "../errors";
import { counter, gauge } from "../metrics";
import type { Sessions } from "../auth/sessions";
import type { ViewerAccess } from "../auth/viewer-access";
import { accessControl } from "./access";
import { apiRoutes } from "./api-routes";
import { updateRoutes } from "./update-routes";
import { FanOut } from "./fan-out";
import type { ViewerInfo } from "./fan-out";
import { mediaRoutes } from "./media-routes";
import { moveRoutes } from "./move-routes";
import { pageRoutes } from "./page-routes";
import { cameraStatus } from "./status";
import type { CameraStatus } from "./status";

export interface HttpPart extends Part {
	/** The bound port (after start). */
	readonly port: number;
	viewers(cameraId: string): ViewerInfo[];
	/** A camera's status, as GET /api/cameras/:id answers it. */
	status(camera: Camera): CameraStatus;
}

/** Control requests carry a few settings; nothing else takes a body. */
const BODY_LIMIT_BYTES = 16 * 1024;
/** A bound on what a client that sends nothing can hold: a TLS handshake never finished. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Node looks for requests past --request-timeout this many times per timeout (between 0.1 and 5 s apart). */
const TIMEOUT_CHECKS = 8;
const MIN_CHECK_MS = 100;
const MAX_CHECK_MS = 5000;

/** Who may use the HTTP side: the users and tokens, and the logged-in browsers. */
export interface HttpAccess {
	access: ViewerAccess;
	sessions: Sessions;
}

/** Bytes Node's parser cannot read as HTTP: answered like every other error, with a code, then closed. */
function answerBadHttp(error: NodeJS.ErrnoException, socket: Duplex): void {
	if (error.code === "ECONNRESET" || socket.destroyed) return;
	const statusCode = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
	const { code, message } = xscamError("XSCAM_ERR_BAD_HTTP", error.code ?? error.message);
	const body = JSON.stringify({ statusCode, code, error: STATUS_CODES[statusCode], message });
	socket.end("HTTP/1.1 " + statusCode + " " + STATUS_CODES[statusCode] + "\r\nContent-Type: application/json\r\nContent-Length: " +
		Buffer.byteLength(body) + "\r\nConnection: close\r\n\r\n" + body);
}

/**
 * What Node's server is created with for --request-timeout: the headers get no longer than the whole
 * request (Node's own default gives them 60 s), and Node checks often enough that a request goes within
 * an eighth of the timeout past it (its default checks every 30 s, whatever the timeout).
 */
function requestTimeouts(timeoutMs: number): { headersTimeout: number; requestTimeout: number; connectionsCheckingInterval: number } {
	const every = Math.max(MIN_CHECK_MS, Math.min(MAX_CHECK_MS, Math.round(timeoutMs / TIMEOUT_CHECKS)));
	return { headersTimeout: timeoutMs, requestTimeout: timeoutMs, connectionsCheckingInterval: every };
}

export function registerHttp(core: Core, { access, sessions }: HttpAccess): HttpPart {
	const { options, registry, cameras } = core;
	const app = Fastify({
		// fastify's own lines (listening, closing) repeat the receiver's; its warnings and errors still show
		loggerInstance: core.log.child({ part: "http" }, { level: core.log.levelVal > 40 ? core.log.level : "warn" }),
		logController: new LogController({ disableRequestLogging: true }), // the page polls status: a line per request is noise
		bodyLimit: BODY_LIMIT_BYTES,
		forceCloseConnections: true, // close() must not wait for keep-alive sockets
		clientErrorHandler: answerBadHttp,
		// a request's headers and body, counted from the connection and again from the first byte of each
		// request, however slowly its bytes trickle in; a stream, once asked for, is not bound by it
		http: requestTimeouts(options.requestTimeoutMs),
		requestTimeout: options.requestTimeoutMs, // fastify sets it again on the server it made (its default: none)
		// a reverse proxy's X-Forwarded-For and -Proto, believed only from these addresses: per-client limits see the client
		trustProxy: options.trustProxy.length > 0 ? options.trustProxy : false,
		...(core.tls && { https: { cert: core.tls.cert, key: core.tls.key, handshakeTimeout: HANDSHAKE_TIMEOUT_MS, ...requestTimeouts(options.requestTimeoutMs) } }),
	});
	app.server.maxConnections = options.maxHttpConnections; // beyond it, a new connection is closed at once
	const fanOut = new FanOut(core);
	const status = (camera: Camera) => cameraStatus(camera, core.clock.now(), fanOut.count(camera.id), core.updates.progress(camera));
	const unsubscribe = core.frames.subscribe((camera, frame) => fanOut.publish(camera, frame));

	// Expected failures (4xx, a camera that does not answer) are answered with their code and no log
	// line; only a receiver bug is logged, with its stack.
	app.setErrorHandler((error: FastifyError, request, reply) => {
		const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
		if (statusCode >= 500 && !isXscamError(error)) request.log.error({ err: error }, "request failed: " + error.message);
		reply.code(statusCode).send({ statusCode, code: error.code, error: STATUS_CODES[statusCode], message: error.message });
	});

	app.setNotFoundHandler((request) => {
		throw xscamError("XSCAM_ERR_NO_ROUTE", request.method, request.url.split("?")[0]);
	});

	app.register(fastifyCookie);
	app.register(fastifyRateLimit, { global: false }); // per route: logging in, and control requests
	app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
		done(null, Object.fromEntries(new URLSearchParams(body as string)))); // the login form
	app.register(accessControl(core, access, sessions));
	app.register(pageRoutes);
	app.register(apiRoutes(core, status));
	app.register(updateRoutes(core));
	app.register(moveRoutes(core));
	app.register(mediaRoutes(core, fanOut));
	app.register(async (scope) => scope.get("/metrics", async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics())));

	const perCamera = (read: (id: string) => number) => (report: (labels: { camera: string }, value: number) => void) => {
		for (const camera of cameras.list()) report({ camera: camera.id }, read(camera.id));
	};
	gauge(registry, "xscam_viewers", "MJPEG viewers connected", ["camera"], perCamera((id) => fanOut.count(id)));
	counter(registry, "xscam_viewer_frames_sent_total", "Frames written to viewers, summed over viewers", ["camera"], perCamera((id) => fanOut.totals(id).sent));
	counter(registry, "xscam_viewer_frames_skipped_total", "Frames a slow viewer skipped for a newer one", ["camera"], perCamera((id) => fanOut.totals(id).skipped));
	counter(registry, "xscam_viewers_dropped_total", "Viewers dropped because they stopped reading", ["camera"], perCamera((id) => fanOut.totals(id).dropped));

	return {
		get port() {
			return (app.server.address() as AddressInfo | null)?.port ?? 0;
		},
		viewers: (cameraId) => fanOut.viewers(cameraId),
		status,
		async start() {
			try {
				await app.listen({ port: options.httpPort, host: options.host });
			}
			catch (error) {
				const { syscall } = error as NodeJS.ErrnoException;
				throw syscall === "listen" ? listenError("http", options.httpPort, options.host, error as NodeJS.ErrnoException) : error;
			}
		},
		async close() {
			unsubscribe();
			await fanOut.close();
			await app.close();
		},
	};
}
