// A TCP proxy on loopback that puts a bad network between a camera and its receiver, since this
// machine's kernel has no netem: a delay on every chunk, a bandwidth cap, loss and reordering, and a
// blackhole that keeps connections open but stops moving bytes (a receiver whose writes never drain).
//
// TCP hands the application its bytes whole and in order, so loss and reordering never reach it as
// such: a lost segment is one that arrives a retransmission timeout late, with everything behind it
// waiting (head-of-line blocking), and a reordered one is held until the gap before it is filled. Both
// are modelled that way: a chunk "lost" is delivered RETRANSMIT_MS late, and nothing overtakes it.
//
// The proxy never buffers without a limit: once HIGH_WATER bytes wait in one direction it stops reading
// that side, so the sender's socket fills and its writes stall, as behind a slow link.

import { connect, createServer, type Server, type Socket } from "node:net";

export interface Faults {
	/** Added to every chunk, ms. */
	delayMs?: number;
	/** Bytes per second, each direction; absent: no cap. */
	bytesPerSecond?: number;
	/** The share of chunks that arrive a retransmission late, 0 to 1. */
	loss?: number;
}

/** What a lost segment costs: Linux's minimum retransmission timeout. */
export const RETRANSMIT_MS = 200;
const HIGH_WATER = 64 * 1024;
/** Chunks are cut to this size so that a cap paces them smoothly. */
const SLICE = 4096;

/** A deterministic [0, 1) source (mulberry32), so a lossy run is the same run every time. */
export function seeded(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One direction of one connection: bytes from `source` reach `sink` as the faults allow, in order. */
class Lane {
	/** Bytes written on to the sink. */
	delivered = 0;
	stalled = false;
	readonly #source: Socket;
	readonly #sink: Socket;
	readonly #proxy: FaultProxy;
	readonly #onDelivered: () => void;
	readonly #queue: { bytes: Buffer; due: number }[] = [];
	#queued = 0;
	#lastDue = 0; // when the previous chunk's last byte got through: nothing is due before it
	#timer: NodeJS.Timeout | undefined;

	constructor(source: Socket, sink: Socket, proxy: FaultProxy, onDelivered: () => void = () => {}) {
		this.#source = source;
		this.#sink = sink;
		this.#proxy = proxy;
		this.#onDelivered = onDelivered;
		source.on("data", (data: Buffer) => {
			for (let at = 0; at < data.byteLength; at += SLICE) this.#enqueue(data.subarray(at, at + SLICE));
			if (this.#queued >= HIGH_WATER) source.pause();
			this.#pump();
		});
	}

	stall(): void {
		this.stalled = true;
		this.#source.pause();
		clearTimeout(this.#timer);
	}

	close(): void {
		clearTimeout(this.#timer);
	}

	#enqueue(bytes: Buffer): void {
		const { delayMs = 0, bytesPerSecond, loss = 0 } = this.#proxy.faults;
		const lost = loss > 0 && this.#proxy.random() < loss;
		if (lost) this.#proxy.lost++;
		const arrives = Date.now() + delayMs + (lost ? RETRANSMIT_MS : 0);
		const sending = bytesPerSecond ? (bytes.byteLength * 1000) / bytesPerSecond : 0;
		this.#lastDue = Math.max(arrives, this.#lastDue) + sending; // behind the cap, a chunk waits for the one before
		this.#queue.push({ bytes, due: this.#lastDue });
		this.#queued += bytes.byteLength;
	}

	#pump(): void {
		if (this.stalled || this.#timer !== undefined) return;
		const now = Date.now();
		while (this.#queue.length > 0 && this.#queue[0].due <= now) {
			const { bytes } = this.#queue.shift()!;
			this.#queued -= bytes.byteLength;
			if (!this.#sink.destroyed) this.#sink.write(bytes);
			this.delivered += bytes.byteLength;
		}
		this.#onDelivered();
		if (this.#queued < HIGH_WATER) this.#source.resume();
		if (this.#queue.length === 0) return;
		this.#timer = setTimeout(() => {
			this.#timer = undefined;
			this.#pump();
		}, this.#queue[0].due - now);
	}
}

export class FaultProxy {
	/** Read for every chunk as it comes in: a test may change them while connections run. */
	faults: Faults;
	readonly random: () => number;
	port = 0;
	/** Connections accepted, 1 = the first. */
	connections = 0;
	/** Chunks delivered a retransmission late. */
	lost = 0;
	/** Called whenever bytes from a client reached the target. */
	onDelivered: (() => void) | undefined;
	readonly #target: number;
	readonly #lanes: Lane[][] = [];
	readonly #sockets = new Set<Socket>();
	#server: Server | undefined;

	constructor(targetPort: number, faults: Faults = {}, seed = 1) {
		this.#target = targetPort;
		this.faults = faults;
		this.random = seeded(seed);
	}

	/** Listens on any free port of `address` (127/8 is all loopback on Linux). */
	async listen(address = "127.0.0.1"): Promise<number> {
		const server = this.#server = createServer((client) => this.#accept(client));
		await new Promise<void>((resolve) => server.listen(0, address, () => resolve()));
		this.port = (server.address() as { port: number }).port;
		return this.port;
	}

	/**
	 * A blackhole for connection `connection` (1 = the first): it stays open, and nothing more moves
	 * either way. Its sender's writes stop draining once the buffers on the way are full.
	 */
	stall(connection: number): void {
		for (const lane of this.#lanes[connection - 1]) lane.stall();
	}

	/** Bytes of connection `connection` (1 = the first) that reached the target from the client. */
	delivered(connection: number): number {
		return this.#lanes[connection - 1]?.[0].delivered ?? 0;
	}

	async close(): Promise<void> {
		for (const lanes of this.#lanes) for (const lane of lanes) lane.close();
		for (const socket of this.#sockets) socket.destroy();
		const server = this.#server;
		this.#server = undefined;
		if (server) await new Promise((resolve) => server.close(resolve));
	}

	#accept(client: Socket): void {
		this.connections++;
		const upstream = connect(this.#target, "127.0.0.1");
		for (const socket of [client, upstream]) {
			this.#sockets.add(socket);
			socket.setNoDelay(true);
			socket.on("error", () => {});
		}
		const lanes = [new Lane(client, upstream, this, () => this.onDelivered?.()), new Lane(upstream, client, this)];
		this.#lanes.push(lanes);
		// A close passes through at once, as a reset (what still waits is dropped), unless the connection
		// is a blackhole, which hides it too.
		const hangUp = (socket: Socket, other: Socket) => () => {
			this.#sockets.delete(socket);
			if (!lanes[0].stalled) other.destroy();
		};
		client.on("close", hangUp(client, upstream));
		upstream.on("close", hangUp(upstream, client));
	}
}
