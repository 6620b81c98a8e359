// Faults of the receiver, made where the firmware meets the network: a wrapper around the other end of
// its connections (the in-process receiver, decoder-receiver.ts) that, on the test's order, resets every
// connection (the receiver restarts), refuses new ones (it is down), lets the open ones go dead without
// a word (half-open: a power cut on its side, so nothing is read, nothing comes back, nothing closes),
// or answers garbage on them. What it lets through is untouched.

import type { PeerConnection, WireEnd, XsNetwork } from "./xs-network";

interface Link {
	end: WireEnd;
	peer: PeerConnection;
	dead: boolean;
}

const NOBODY: PeerConnection = { write() {}, close() {} };

export class FaultyNetwork implements XsNetwork {
	/** Connections refused while refusing. */
	refused = 0;
	readonly #inner: XsNetwork;
	readonly #links = new Set<Link>();
	#refusing = false;

	constructor(inner: XsNetwork) {
		this.#inner = inner;
	}

	connect(address: string, port: number, end: WireEnd): PeerConnection {
		if (this.#refusing) {
			this.refused++;
			end.closed(true);
			return NOBODY;
		}
		const link: Link = { end, peer: NOBODY, dead: false };
		this.#links.add(link);
		link.peer = this.#inner.connect(address, port, {
			connected: () => void (link.dead || end.connected()),
			data: (bytes) => void (link.dead || end.data(bytes)),
			closed: (error) => {
				this.#links.delete(link);
				if (!link.dead) end.closed(error);
			},
		});
		return {
			write: (bytes) => void (link.dead || link.peer.write(bytes)),
			close: () => {
				this.#links.delete(link);
				link.peer.close();
			},
		};
	}

	resolve(host: string): string | undefined {
		return this.#inner.resolve?.(host);
	}

	tick(now: number): void {
		this.#inner.tick?.(now);
	}

	/** Connections open now (dead ones included until the firmware closes them). */
	get open(): number {
		return this.#links.size;
	}

	/** Every open connection is reset, as a receiver's restart does. */
	reset(): void {
		for (const link of this.#links) {
			link.dead = true;
			link.end.closed(true);
			link.peer.close();
		}
		this.#links.clear();
	}

	/** From now on (true) every new connection is refused, until refuse(false). */
	refuse(refusing: boolean): void {
		this.#refusing = refusing;
	}

	/** The open connections go dead: what the firmware writes is lost, and nothing comes back, not even a close. */
	silence(): void {
		for (const link of this.#links) link.dead = true;
	}

	/** `bytes` arrive on every open connection, between the receiver's own messages. */
	inject(bytes: Uint8Array): void {
		for (const link of this.#links) if (!link.dead) link.end.data(bytes);
	}
}
