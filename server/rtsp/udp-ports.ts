// The receiver's two datagram sockets for RTP over UDP: RTP from one port, RTCP from the next (RFC
// 3550 11), shared by every UDP session. Datagrams that arrive on them are the clients' RTCP receiver
// reports (and the NAT-opening packets some clients send first); they only show that the client is
// still there, which keeps its sessions from expiring.

import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";

/** Who is listening at an address and port: a connection whose UDP sessions the datagrams refresh. */
export interface Listener {
	heard(): void;
}

export class UdpPorts {
	readonly sockets: { rtp: Socket; rtcp: Socket };
	#ports: [number, number] = [0, 0];
	readonly #listeners = new Map<string, Listener>();
	readonly #host: string;

	constructor(host: string) {
		this.#host = host;
		const type = host === "::" || isIP(host) === 6 ? "udp6" : "udp4";
		this.sockets = { rtp: createSocket(type), rtcp: createSocket(type) };
		for (const socket of [this.sockets.rtp, this.sockets.rtcp]) {
			socket.on("message", (_data, from) => this.#listeners.get(from.address + " " + from.port)?.heard());
			socket.on("error", () => {}); // a send to a port that refuses (ICMP) reports here; the session expires on its own
		}
	}

	get ports(): readonly [number, number] {
		return this.#ports;
	}

	/** Binds both sockets: any free port for RTP, the next one for RTCP where it is free (else any other). */
	async bind(): Promise<void> {
		const { rtp, rtcp } = this.sockets;
		const bind = (socket: Socket, port: number) => new Promise<boolean>((resolve) => {
			const failed = () => resolve(false);
			socket.once("error", failed);
			socket.bind(port, this.#host, () => {
				socket.off("error", failed);
				resolve(true);
			});
		});
		if (!await bind(rtp, 0)) throw new Error("cannot bind a UDP port on " + this.#host);
		const port = rtp.address().port;
		if (!(port < 65535 && await bind(rtcp, port + 1)) && !await bind(rtcp, 0)) throw new Error("cannot bind a UDP port on " + this.#host);
		this.#ports = [port, rtcp.address().port];
	}

	/** Datagrams from `address`:`port` refresh `listener`'s sessions. */
	listen(address: string, port: number, listener: Listener): void {
		this.#listeners.set(address + " " + port, listener);
	}

	forget(address: string, port: number): void {
		this.#listeners.delete(address + " " + port);
	}

	async close(): Promise<void> {
		await Promise.all([this.sockets.rtp, this.sockets.rtcp].map((socket) => new Promise<void>((resolve) => {
			try {
				socket.close(() => resolve());
			}
			catch {
				resolve(); // never bound
			}
		})));
	}
}
