// The TCP transport of ingest: a node:net socket as a camera session's pipe (camera-session.ts). The
// same adapter serves a TLS listener, whose sockets are net.Sockets too; a datagram transport would be a
// sibling of this file.

import type { Socket } from "node:net";
import type { Core } from "../core";
import { CameraSession, type SessionHooks } from "./camera-session";

/** Runs a camera session on `socket` until it closes. */
export function serveSocket(socket: Socket, core: Core, hooks: SessionHooks, admitBy?: number): CameraSession {
	socket.setNoDelay(true); // pings and controls are tiny and should not wait for Nagle
	const session = new CameraSession({
		remote: socket.remoteAddress + ":" + socket.remotePort,
		write: (bytes) => void socket.write(bytes),
		destroy: () => void socket.destroy(),
	}, core, hooks, admitBy);
	let failure: Error | undefined;
	socket.on("data", (chunk: Buffer) => session.received(chunk));
	socket.on("error", (error) => { failure ??= error; }); // 'close' follows
	socket.on("close", () => session.ended(failure));
	return session;
}
