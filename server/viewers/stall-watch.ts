// Drops viewers that stopped reading: a viewer whose connection has taken nothing for the stall timeout
// while it had bytes to take is stalled. "Taken" is what the viewer's machine acknowledged
// (send-queues.ts), so the bound holds whatever the kernel's send buffer holds; only what the viewer's
// own machine accepted before it stopped (its TCP receive window, 64 KB to a few MB) counts as taken.
// Where the system does not say, it is what left the socket's own buffer for the kernel.
//
// One watch serves all the viewers of a part, sampled together every eighth of the stall timeout (every
// 0.1 to 5 s), so a stalled viewer goes within the timeout and a sample or two more: between 20 and
// 22.5 s of taking nothing, by default.

import type { Socket } from "node:net";
import type { Cancel, Clock } from "../clock";
import { readSendQueues, socketInode } from "./send-queues";

interface Watched {
	socket: Socket;
	inode: number | undefined;
	onStall: () => void;
	/** The most the viewer can have taken (acknowledged, or handed to the kernel) by the last sample. */
	takenAtMost: number;
	progressAt: number;
}

/** Samples per stall timeout, and the bounds of the time between two (the tables cost tens of ms to read). */
const SAMPLES = 8;
const MIN_SAMPLE_MS = 100;
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
		const watched: Watched = { socket, inode: socketInode(socket), onStall, takenAtMost: 0, progressAt: this.#clock.now() };
		this.#watched.add(watched);
		const every = Math.max(MIN_SAMPLE_MS, Math.min(MAX_SAMPLE_MS, this.#stallMs / SAMPLES));
		this.#cancel ??= this.#clock.every(every, () => {
			if (this.#sampling) return; // the last sample's tables are still being read
			this.#sampling = true;
			this.#sample().catch(() => {}).finally(() => { this.#sampling = false; }); // a sample that failed: the next one will tell
		});
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

	/**
	 * The kernel's tables are read in the background while the viewers' sockets go on writing, so what a
	 * viewer has taken is known within bounds: at least what it had been handed before the read, less
	 * what the read found unacknowledged; at most what it had been handed after. A viewer progressed
	 * when it has surely taken more than it can have taken at any earlier sample; so a stalled viewer
	 * never seems to progress, whatever the sockets wrote during a read.
	 */
	async #sample(): Promise<void> {
		const now = this.#clock.now();
		const snapshot = [...this.#watched].map((watched) => ({ watched, before: handed(watched.socket), buffered: watched.socket.writableLength }));
		const queues = snapshot.some(({ watched }) => watched.inode !== undefined) ? await readSendQueues() : undefined;
		for (const { watched, before, buffered } of snapshot) {
			if (!this.#watched.has(watched)) continue; // left meanwhile
			const unacknowledged = (watched.inode !== undefined ? queues?.get(watched.inode) : undefined) ?? 0;
			const takenAtLeast = before - unacknowledged;
			const pending = buffered > 0 || unacknowledged > 0;
			if (!pending || takenAtLeast > watched.takenAtMost) watched.progressAt = now;
			else if (now - watched.progressAt >= this.#stallMs) {
				this.#watched.delete(watched);
				watched.onStall();
				continue;
			}
			watched.takenAtMost = Math.max(watched.takenAtMost, handed(watched.socket) - unacknowledged);
		}
		if (this.#watched.size === 0) this.stop();
	}
}

/** Bytes the socket handed to the kernel (or beyond): written, less what its own buffer still holds. */
function handed(socket: Socket): number {
	return socket.bytesWritten - socket.writableLength;
}
