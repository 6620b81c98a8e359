// The TCP transport of ingest: a node:net socket as a camera session's pipe (camera-session.ts). A plain
// TCP connection reads into the receiver's shared read buffer (read-buffer.ts); a TLS socket, whose
// decrypted bytes come as chunks of its own, hands them over as they come. Either offers the session the
// receiver's datagram port (datagram-port.ts), for a camera that sends its frames as datagrams.

import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import type { Core } from "../core";
import type { DatagramChannels } from "./datagram-port";
import { CameraSession, type SessionHooks } from "./camera-session";
import type { ReadBuffer } from "./read-buffer";

/** Runs a camera session on a plain TCP connection `accepted` (paused on connect), read into `reads`, until it closes. */
export function serveTcp(accepted: Socket, reads: ReadBuffer, core: Core, hooks: SessionHooks, datagrams: DatagramChannels | undefined): CameraSession {
	let session: CameraSession | undefined; // the first read comes in a later turn, once it is set
	const socket = reads.adopt(accepted, (bytes) => session!.received(bytes));
	return session = runSession(socket, core, hooks, datagrams);
}

/** Runs a camera session on a TLS connection through its handshake until it closes. */
export function serveTls(socket: TLSSocket, core: Core, hooks: SessionHooks, datagrams: DatagramChannels | undefined, admitBy: number): CameraSession {
	const session = runSession(socket, core, hooks, datagrams, admitBy);
	socket.on("data", (chunk: Buffer) => session.received(chunk));
	return session;
}

function runSession(socket: Socket, core: Core, hooks: SessionHooks, datagrams: DatagramChannels | undefined, admitBy?: number): CameraSession {
	socket.setNoDelay(true); // pings and controls are tiny and should not wait for Nagle
	const session = new CameraSession({
		remote: socket.remoteAddress + ":" + socket.remotePort,
		remoteAddress: socket.remoteAddress ?? "",
		datagrams,
		write: (bytes) => void socket.write(bytes),
		destroy: () => void socket.destroy(),
	}, core, hooks, admitBy);
	let failure: Error | undefined;
	socket.on("error", (error) => { failure ??= error; }); // 'close' follows
	socket.on("close", () => session.ended(failure));
	return session;
}
