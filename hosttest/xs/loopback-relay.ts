// The XS board's network relayed to real sockets: each connection the firmware opens in XS becomes a
// node:net connection from this process, so a real server (a test receiver on loopback, or the xscam
// receiver) is the peer. Writes are acknowledged when Node takes them; what arrives reaches XS at the
// next crank. Datagrams go out from one node:dgram socket. Timing follows the real sockets, so cranks
// here are not for counting computrons.

import { createSocket, type Socket as DatagramSocket } from "node:dgram";
import { Socket } from "node:net";
import type { PeerConnection, WireEnd, XsNetwork } from "./xs-network";

export class LoopbackRelay implements XsNetwork {
	readonly #sockets = new Set<Socket>();
	#datagrams: DatagramSocket | undefined;

	datagram(bytes: Uint8Array, address: string, port: number): void {
		this.#datagrams ??= createSocket("udp4");
		this.#datagrams.send(Buffer.from(bytes), port, address); // a copy: the bytes are the engine's
	}

	connect(address: string, port: number, end: WireEnd): PeerConnection {
		const socket = new Socket();
		let done = false;
		const closed = (error: boolean) => {
			if (done) return;
			done = true;
			this.#sockets.delete(socket);
			end.closed(error);
		};
		this.#sockets.add(socket);
		socket.setNoDelay(true);
		socket.on("connect", () => end.connected());
		socket.on("data", (data: Buffer) => end.data(data));
		socket.on("end", () => closed(false));
		socket.on("error", () => closed(true));
		socket.on("close", (hadError) => closed(hadError));
		socket.connect(port, address);
		return {
			write: (bytes) => void socket.write(Buffer.from(bytes)), // a copy: the bytes are the engine's
			close: () => {
				done = true; // the firmware closed it: no more events
				this.#sockets.delete(socket);
				socket.destroy();
			},
		};
	}

	/** Drops every connection still open. */
	close(): void {
		for (const socket of this.#sockets) socket.destroy();
		this.#sockets.clear();
		this.#datagrams?.close();
		this.#datagrams = undefined;
	}
}
