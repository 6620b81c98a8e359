// Everything a session writes on its pipe, within the pipe's budget: the small messages of the outbox
// (outbox.ts) and the frames of the frame schedule (frame-schedule.ts). A message goes between frames,
// never inside one; until the welcome only the messages that may go before it are written, and no frame.

import type { MessageName } from "../protocol/types";
import type { Pipe } from "../transport/pipe";
import { FrameSchedule } from "./frame-schedule";
import { Outbox } from "./outbox";

export class Writer {
	readonly #frames: FrameSchedule;
	readonly #outbox = new Outbox();
	readonly #onFailure: () => void;
	#pipe: Pipe | undefined;
	#welcomed = false;
	#message: Uint8Array | undefined; // in flight
	#messageOffset = 0;

	/** `onFailure` is called when a write throws (the pipe failed between two of its events). */
	constructor(frames: FrameSchedule, onFailure: () => void) {
		this.#frames = frames;
		this.#onFailure = onFailure;
	}

	/** A new connection: what is posted goes to `pipe` as its budget allows. */
	attach(pipe: Pipe): void {
		this.detach();
		this.#pipe = pipe;
	}

	/** The connection is gone: every frame held is closed, every message forgotten. */
	detach(): void {
		this.#pipe = undefined;
		this.#welcomed = false;
		this.#message = undefined;
		this.#outbox.clear();
		this.#frames.close();
	}

	/** The receiver welcomed us: everything may flow now. */
	welcome(): void {
		this.#welcomed = true;
		this.pump();
	}

	/** Queues an encoded message (outbox.ts); false when its queue is full. */
	post(type: MessageName, bytes: Uint8Array): boolean {
		const posted = this.#outbox.post(type, bytes);
		this.pump();
		return posted;
	}

	/** Writes while the pipe has room and there is something to write. */
	pump(): void {
		const pipe = this.#pipe;
		if (!pipe) return;
		const frames = this.#frames;
		try {
			// A part-written frame first, then any message, then the next frame (only once welcomed).
			while (pipe.writable > 0) {
				if (frames.write(pipe)) continue;
				if (this.#message || (this.#outbox.size && this.#next())) this.#writeMessage(pipe);
				else if (!this.#welcomed || !frames.start()) break;
			}
		}
		catch {
			this.#onFailure(); // the caller detaches, which closes the frames
		}
	}

	#next(): Uint8Array | undefined {
		this.#message = this.#outbox.take(this.#welcomed);
		this.#messageOffset = 0;
		return this.#message;
	}

	#writeMessage(pipe: Pipe): void {
		const message = this.#message!;
		this.#messageOffset += pipe.writeSome(message, this.#messageOffset);
		if (this.#messageOffset === message.byteLength) this.#message = undefined;
	}
}
