// The small messages a session sends between frames, never inside one, in a priority table keyed by
// message type: a new message is a row. Each row says whether the message may go before the welcome
// (only what the receiver needs to welcome the device) and how many may wait: most keep only the
// newest (a pong answers every ping, stats are worth sending only fresh), control results queue, and a
// receiver that asks faster than the link drains them is broken.

import type { MessageName } from "../protocol/types";

interface Row {
	readonly type: MessageName;
	/** Sent as soon as the pipe takes bytes, before the welcome. */
	readonly beforeWelcome: boolean;
	/** How many may wait; one means a newer one replaces the one waiting. */
	readonly keep: number;
}

/** In order of priority: the first row with a message waiting goes first. */
const ROWS: readonly Row[] = [
	{ type: "hello", beforeWelcome: true, keep: 1 },
	{ type: "auth", beforeWelcome: true, keep: 1 },
	{ type: "capabilities", beforeWelcome: true, keep: 1 },
	{ type: "pong", beforeWelcome: false, keep: 1 },
	{ type: "controlResult", beforeWelcome: false, keep: 8 },
	{ type: "updateStatus", beforeWelcome: false, keep: 1 }, // one per chunk, and the next chunk waits for it
	{ type: "stats", beforeWelcome: false, keep: 1 },
];

export class Outbox {
	readonly #queues: Uint8Array[][] = ROWS.map(() => []);
	readonly #index: { [type: string]: number } = {};
	/** Messages queued: an empty outbox (nearly always, between frames) is known without a call. */
	size = 0;

	constructor() {
		ROWS.forEach((row, i) => (this.#index[row.type] = i));
	}

	/**
	 * Queues the encoded message `bytes` of `type`. Returns false, and queues nothing, when its row
	 * queues more than one and is full: the caller should drop the connection.
	 */
	post(type: MessageName, bytes: Uint8Array): boolean {
		const at = this.#index[type];
		if (at === undefined) throw new TypeError("no outbox row for " + type);
		const queue = this.#queues[at];
		const { keep } = ROWS[at];
		if (keep === 1 && queue.length) queue.pop();
		else if (queue.length >= keep) return false;
		else this.size++;
		queue.push(bytes);
		return true;
	}

	/** The next message to send, taken off its queue; only those that may go before the welcome until then. */
	take(welcomed: boolean): Uint8Array | undefined {
		for (let at = 0; at < ROWS.length; at++) {
			if (!welcomed && !ROWS[at].beforeWelcome) return undefined;
			const queue = this.#queues[at];
			if (queue.length) {
				this.size--;
				return queue.shift();
			}
		}
		return undefined;
	}

	clear(): void {
		for (const queue of this.#queues) queue.length = 0;
		this.size = 0;
	}
}
