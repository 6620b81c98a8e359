// fault-proxy.ts's sibling for UDP: datagrams from the camera reach the receiver through it with a delay,
// a loss rate and a bandwidth cap, as a Wi-Fi link and a router would treat them. Unlike TCP, nothing
// comes late in order: a lost datagram is gone, the others go on. Behind the cap datagrams queue as in
// a router's buffer, and one that finds the buffer full is dropped (tail drop), as there.
// It forwards from one socket bound to 127.0.0.1, so the receiver sees the datagrams come from where the
// TCP proxy's connections come from, as it requires of a channel (server/ingest/datagram-port.ts).

import { createSocket, type Socket } from "node:dgram";
import { seeded } from "./fault-proxy";

export interface DatagramFaults {
	/** Added to every datagram, ms. */
	delayMs?: number;
	/** The share of datagrams lost, 0 to 1. */
	loss?: number;
	/** Bytes per second; absent: no cap. */
	bytesPerSecond?: number;
}

/** A router's buffer behind the cap, bytes: a datagram that would queue beyond it is dropped. */
const QUEUE_BYTES = 64 * 1024;

export class DatagramFaultProxy {
	faults: DatagramFaults;
	/** Datagrams passed on, and dropped (lost or tail-dropped). */
	forwarded = 0;
	dropped = 0;
	readonly #target: { address: string; port: number };
	readonly #random: () => number;
	readonly #timers = new Set<NodeJS.Timeout>();
	#in: Socket | undefined;
	#out: Socket | undefined;
	#lastDue = 0; // when the cap lets the previous datagram's last byte through

	/** Datagrams held for their delay or behind the cap. */
	get waiting(): number {
		return this.#timers.size;
	}

	constructor(target: { address: string; port: number }, faults: DatagramFaults = {}, seed = 1) {
		this.#target = target;
		this.faults = faults;
		this.#random = seeded(seed);
	}

	/** Listens on `address`:`port` (0: any free port); resolves with the port. */
	async listen(address: string, port = 0): Promise<number> {
		this.#out = await bound(createSocket("udp4"), "127.0.0.1", 0);
		const socket = this.#in = await bound(createSocket("udp4"), address, port);
		socket.on("message", (datagram: Buffer) => this.#take(datagram));
		return socket.address().port;
	}

	#take(datagram: Buffer): void {
		const { delayMs = 0, loss = 0, bytesPerSecond } = this.faults;
		const now = Date.now();
		const queued = bytesPerSecond ? Math.max(0, this.#lastDue - now) * bytesPerSecond / 1000 : 0;
		if ((loss > 0 && this.#random() < loss) || queued + datagram.byteLength > QUEUE_BYTES) {
			this.dropped++;
			return;
		}
		const sending = bytesPerSecond ? datagram.byteLength * 1000 / bytesPerSecond : 0;
		this.#lastDue = Math.max(now, this.#lastDue) + sending;
		const timer = setTimeout(() => {
			this.#timers.delete(timer);
			this.forwarded++;
			this.#out?.send(datagram, this.#target.port, this.#target.address);
		}, this.#lastDue - now + delayMs);
		this.#timers.add(timer);
	}

	close(): void {
		for (const timer of this.#timers) clearTimeout(timer);
		this.#timers.clear();
		this.#in?.close();
		this.#out?.close();
		this.#in = this.#out = undefined;
	}
}

function bound(socket: Socket, address: string, port: number): Promise<Socket> {
	return new Promise((resolve, reject) => {
		socket.once("error", reject);
		socket.bind(port, address, () => resolve(socket));
	});
}
