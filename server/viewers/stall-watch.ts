// Drops viewers that stopped reading: a viewer whose connection has taken nothing for the stall timeout
// while it had bytes to take is stalled. "Taken" is what the viewer's machine acknowledged
// (send-queues.ts), so the bound holds whatever the kernel's send buffer holds; only what the viewer's
// own machine accepted before it stopped (its TCP receive window, 64 KB to a few MB) counts as taken.
// Where the system does not say, it is what left the socket's own buffer for the kernel.
//
// One watch serves all the viewers of a part, sampled together every eighth of the stall timeout (at
// most every 5 s), so a stalled viewer goes within the timeout and one sample more: between 20 and
// 22.5 s of taking nothing, by default.

import type { Socket } from "node:net";
import type { Cancel, Clock } from "../clock";
import { readSendQueues, socketInode } from "./send-queues";

interface Watched {
	socket: Socket;
	inode: number | undefined;
	onStall: () => void;
	/** Bytes taken (acknowledged, or handed to the kernel) at the last progress. */
	taken: number;
	progressAt: number;
}

/** Samples per stall timeout. */
const SAMPLES = 8;
const MAX_SAMPLE_MS = 5000;

export class StallWatch {
	readonly #clock: Clock;
	readonly #stallMs: number;
	readonly #watched = new Set<Watched>();
	#cancel: Cancel | undefined;
	#sampling = false;

	constructor(clock: Clock, stallMs: number) {
		this.#clock = clock;
		this.#stallMs = stallMs;
	}

	/** Watches `socket`; `onStall` is called once it has stalled. Returns the function that stops watching it. */
	watch(socket: Socket, onStall: () => void): Cancel {
		const watched: Watched = { socket, inode: socketInode(socket), onStall, taken: 0, progressAt: this.#clock.now() };
		this.#watched.add(watched);
		this.#cancel ??= this.#clock.every(Math.min(MAX_SAMPLE_MS, this.#stallMs / SAMPLES), () => void this.#sample());
		return () => {
			this.#watched.delete(watched);
			if (this.#watched.size === 0) this.stop();
		};
	}

	/** Stops sampling (the part is closing). */
	stop(): void {
		this.#cancel?.();
		this.#cancel = undefined;
	}

	async #sample(): Promise<void> {
		if (this.#sampling) return; // the last sample's tables are still being read
		this.#sampling = true;
		const now = this.#clock.now();
		// What each socket handed to the kernel, and holds itself, at the instant the tables are read.
		const snapshot = [...this.#watched].map((watched) => ({
			watched, handed: watched.socket.bytesWritten - watched.socket.writableLength, buffered: watched.socket.writableLength,
		}));
		const queues = snapshot.some(({ watched }) => watched.inode !== undefined) ? await readSendQueues() : undefined;
		this.#sampling = false;
		for (const { watched, handed, buffered } of snapshot) {
			if (!this.#watched.has(watched)) continue; // left meanwhile
			const unacknowledged = watched.inode !== undefined ? queues?.get(watched.inode) : undefined;
			const taken = unacknowledged === undefined ? handed : handed - unacknowledged;
			const pending = buffered > 0 || (unacknowledged ?? 0) > 0;
			if (!pending || taken > watched.taken) {
				watched.taken = taken;
				watched.progressAt = now;
			}
			else if (now - watched.progressAt >= this.#stallMs) {
				this.#watched.delete(watched);
				watched.onStall();
			}
		}
		if (this.#watched.size === 0) this.stop();
	}
}
