// The TCP listener the cameras stream to: one camera session per connection (socket-adapter.ts), each
// independent of the others.

import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { Core, Part } from "../core";
import { listenError, xscamError } from "../errors";
import { counter, gauge } from "../metrics";
import type { CameraSession } from "./camera-session";
import { serveSocket } from "./socket-adapter";

export interface IngestPart extends Part {
	/** The bound port (after start). */
	readonly port: number;
}

export function registerIngest(core: Core): IngestPart {
	const { options, registry } = core;
	const sessions = new Set<CameraSession>();
	const disconnects = new Map<string, number>(); // reason code -> count
	let accepted = 0;

	const server = createServer((socket) => {
		accepted++;
		sessions.add(serveSocket(socket, core, (session, reason) => {
			sessions.delete(session);
			disconnects.set(reason.code, (disconnects.get(reason.code) ?? 0) + 1);
		}));
	});

	gauge(registry, "xscam_ingest_connections", "Open camera connections, including those that have not said hello", [],
		(report) => report({}, sessions.size));
	counter(registry, "xscam_ingest_connections_total", "Camera connections accepted", [], (report) => report({}, accepted));
	counter(registry, "xscam_ingest_disconnects_total",
		"Camera connections closed, by reason: an XSCAM_ERR_* code (protocol errors, timeouts, takeover), a socket error, or closed",
		["reason"], (report) => disconnects.forEach((count, reason) => report({ reason }, count)));

	return {
		get port() {
			return (server.address() as AddressInfo | null)?.port ?? 0;
		},
		start() {
			return new Promise((resolve, reject) => {
				server.once("error", (error) => reject(listenError("ingest", options.ingestPort, options.host, error)));
				server.listen(options.ingestPort, options.host, () => resolve());
			});
		},
		async close() {
			// The server's callback comes once it stops listening and its last socket is destroyed, which
			// is before that socket's 'close' event: the sessions' own promises say when they are done.
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			const shutdown = xscamError("XSCAM_ERR_SHUTDOWN");
			const closing = [...sessions].map((session) => {
				session.close(shutdown);
				return session.closed;
			});
			await Promise.all([stopped, ...closing]);
		},
	};
}
