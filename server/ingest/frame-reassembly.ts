// One channel's frames as they come in datagrams (docs/protocol.md, "Frames as datagrams"): the pieces
// of a few frames at a time, each frame handed on once its every piece came, in order of frame number.
// Nothing waits for a lost piece: a frame still incomplete when a newer one completes, or after the
// reassembly deadline, is given up (and counted lost), and its late pieces are refused. Memory is bounded
// by the frames kept at once, each by the largest body the receiver takes.

import { FRAME_FIELDS_BYTES } from "../../src/protocol/constants";
import type { FrameDatagram } from "../../src/protocol/datagram";

/** Frames in progress at once; a piece of a fifth gives up the oldest. */
export const FRAMES_IN_PROGRESS = 4;
/** A frame not complete this long after its first piece is given up, ms. */
export const REASSEMBLY_DEADLINE_MS = 500;

interface InProgress {
	seq: number;
	pieces: (Uint8Array | undefined)[];
	missing: number;
	bytes: number;
	startedAt: number;
}

/** The totals a datagram report carries (protocol: datagram report), since the channel opened. */
export interface ReassemblyCounts {
	completed: number;
	lost: number;
	rejected: number;
}

export class FrameReassembly implements ReassemblyCounts {
	completed = 0;
	rejected = 0;
	readonly #maxBodyBytes: number;
	readonly #frames: InProgress[] = []; // oldest first
	#floor: number | undefined; // the newest frame completed or given up: it and every frame before it are done with
	#first: number | undefined; // the oldest frame a datagram came for

	/** Frames done with (completed or given up, from the first one seen) that were not completed. */
	get lost(): number {
		return this.#floor === undefined ? 0 : ((this.#floor - this.#first! + 1) >>> 0) - this.completed;
	}

	/** Frames whose body is at most `maxBodyBytes`. */
	constructor(maxBodyBytes: number) {
		this.#maxBodyBytes = maxBodyBytes;
	}

	/** Takes one datagram that came at `now`; returns a frame's whole body when this was its last piece. */
	take(datagram: FrameDatagram, now: number): Uint8Array | undefined {
		this.#expire(now);
		const { seq, index, count, piece } = datagram;
		if (this.#floor !== undefined && !isAfter(seq, this.#floor)) return this.#reject(); // done with, or given up
		let frame = this.#frames.find((candidate) => candidate.seq === seq);
		if (this.#first === undefined || isAfter(this.#first, seq)) this.#first = seq;
		if (!frame) {
			if (this.#frames.length === FRAMES_IN_PROGRESS) this.#giveUp();
			frame = { seq, pieces: new Array(count), missing: count, bytes: 0, startedAt: now };
			this.#frames.push(frame);
		}
		if (count !== frame.pieces.length || frame.pieces[index] !== undefined) return this.#reject();
		frame.pieces[index] = piece;
		frame.missing--;
		frame.bytes += piece.byteLength;
		if (frame.bytes > this.#maxBodyBytes) {
			this.#frames.splice(this.#frames.indexOf(frame), 1);
			return this.#reject();
		}
		return frame.missing === 0 ? this.#complete(frame) : undefined;
	}

	#complete(frame: InProgress): Uint8Array | undefined {
		this.#frames.splice(this.#frames.indexOf(frame), 1);
		const { pieces } = frame;
		const size = pieces[0]!.byteLength;
		// every piece but the last is as long as the first: the device cuts the body in equal pieces
		for (let i = 1; i < pieces.length - 1; i++) if (pieces[i]!.byteLength !== size) return this.#reject();
		const body = Buffer.concat(pieces as Uint8Array[], frame.bytes); // the one copy of the JPEG
		if (body.byteLength <= FRAME_FIELDS_BYTES || body.readUInt32BE(0) !== frame.seq) return this.#reject();
		this.#doneWith(frame.seq); // and with it every frame before it: they can no longer be handed on in order
		this.completed++;
		const newer = this.#frames.filter((candidate) => isAfter(candidate.seq, frame.seq));
		this.#frames.splice(0, this.#frames.length, ...newer);
		return body;
	}

	#expire(now: number): void {
		while (this.#frames.length > 0 && now - this.#frames[0].startedAt > REASSEMBLY_DEADLINE_MS) this.#giveUp();
	}

	/** Gives up the frame begun first (and every frame before it). */
	#giveUp(): void {
		this.#doneWith(this.#frames.shift()!.seq);
	}

	#doneWith(seq: number): void {
		if (this.#floor === undefined || isAfter(seq, this.#floor)) this.#floor = seq;
	}

	#reject(): undefined {
		this.rejected++;
		return undefined;
	}
}

/** Whether frame number `a` comes after `b`, modulo 2^32 (as a gap in the frame intake is read). */
function isAfter(a: number, b: number): boolean {
	const ahead = (a - b) >>> 0;
	return ahead !== 0 && ahead < 0x80000000;
}
