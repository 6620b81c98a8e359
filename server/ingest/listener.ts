// The TCP listener the cameras stream to: one camera session per connection (socket-adapter.ts), each
// independent of the others, all reading through one shared buffer (read-buffer.ts). Connections that have not yet been admitted (said hello and, where a key is
// needed, proved it) are bounded in number, and in time by the hello timeout, so strangers cannot hold
// the receiver's sockets.

import { createServer } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import type { SecureContext } from "node:tls";
import { TLSSocket } from "node:tls";
import type { Core, Part } from "../core";
import { listenError, xscamError } from "../errors";
import { counter, gauge } from "../metrics";
import type { CameraSession, SessionHooks } from "./camera-session";
import { registerDatagrams } from "./datagram-port";
import { ReadBuffer } from "./read-buffer";
import { serveTcp, serveTls } from "./socket-adapter";

export interface IngestPart extends Part {
	/** The bound port (after start). */
	readonly port: number;
}

export function registerIngest(core: Core): IngestPart {
	const { options, registry } = core;
	const sessions = new Set<CameraSession>();
	const waiting = new Set<CameraSession>(); // not admitted yet
	const disconnects = new Map<string, number>(); // reason code -> count
	let accepted = 0;
	let refused = 0;
	const hooks: SessionHooks = {
		admitted: (session) => void waiting.delete(session),
		closed(session, reason) {
			sessions.delete(session);
			waiting.delete(session);
			disconnects.set(reason.code, (disconnects.get(reason.code) ?? 0) + 1);
		},
	};

	const handshakes = new Set<Socket>(); // TLS connections not through their handshake: unadmitted too
	const secureContext = core.tls?.context;
	const reads = new ReadBuffer();
	// the frames of cameras that send them as datagrams, on the UDP port beside this one
	const datagrams = options.datagramPort === "off" ? undefined : registerDatagrams(core, () => (server.address() as AddressInfo).port);
	const started = (session: CameraSession) => {
		accepted++;
		sessions.add(session);
		waiting.add(session);
	};
	// With a certificate, a connection becomes a session once its TLS handshake is done; the handshake,
	// the hello and the proof together must be within the hello timeout. A failed handshake closes the
	// connection, logging nothing.
	const startHandshake = (raw: Socket, context: SecureContext) => {
		const admitBy = core.clock.now() + options.helloTimeoutMs;
		const cancelTimeout = core.clock.after(options.helloTimeoutMs, () => raw.destroy());
		const done = () => {
			handshakes.delete(raw);
			cancelTimeout();
		};
		handshakes.add(raw);
		raw.once("close", done);
		const socket = new TLSSocket(raw, { isServer: true, secureContext: context });
		socket.on("error", () => raw.destroy());
		socket.once("secure", () => {
			done();
			started(serveTls(socket, core, hooks, datagrams, admitBy));
		});
	};
	// Paused: nothing is read before a plain connection's socket reads into the shared buffer.
	const server = createServer({ pauseOnConnect: true }, (raw) => {
		if (waiting.size + handshakes.size >= options.maxPendingConnections) {
			refused++;
			raw.destroy(); // nothing read, nothing logged: a flood must not fill the log either
			return;
		}
		if (secureContext) startHandshake(raw, secureContext);
		else started(serveTcp(raw, reads, core, hooks, datagrams));
	});

	gauge(registry, "xscam_ingest_connections", "Open camera connections, including those that have not said hello", [],
		(report) => report({}, sessions.size));
	counter(registry, "xscam_ingest_connections_total", "Camera connections accepted", [], (report) => report({}, accepted));
	counter(registry, "xscam_ingest_refused_total", "Camera connections refused at once: too many were waiting to authenticate", [], (report) => report({}, refused));
	gauge(registry, "xscam_ingest_unadmitted", "Camera connections that have not said hello or authenticated yet (or finished their TLS handshake)", [], (report) => report({}, waiting.size + handshakes.size));
	counter(registry, "xscam_ingest_disconnects_total",
		"Camera connections closed, by reason: an XSCAM_ERR_* code (protocol errors, timeouts, takeover), a socket error, or closed",
		["reason"], (report) => disconnects.forEach((count, reason) => report({ reason }, count)));

	return {
		get port() {
			return (server.address() as AddressInfo | null)?.port ?? 0;
		},
		async start() {
			await new Promise<void>((resolve, reject) => {
				server.once("error", (error) => reject(listenError("ingest", options.ingestPort, options.host, error)));
				server.listen(options.ingestPort, options.host, () => resolve());
			});
			await datagrams?.start();
		},
		async close() {
			// The server's callback comes once it stops listening and its last socket is destroyed, which
			// is before that socket's 'close' event: the sessions' own promises say when they are done.
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			for (const raw of handshakes) raw.destroy();
			const shutdown = xscamError("XSCAM_ERR_SHUTDOWN");
			const closing = [...sessions].map((session) => {
				session.close(shutdown);
				return session.closed;
			});
			await Promise.all([stopped, ...closing]);
			await datagrams?.close();
		},
	};
}
