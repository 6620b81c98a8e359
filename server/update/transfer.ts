// One firmware image going to one camera over its session (docs/protocol.md, "Firmware updates"): the
// offer, then a chunk each time the camera's status asks for the next, so there is never more than one
// chunk on the way and a slow camera or link sets the pace (the camera holds one chunk, the receiver
// reads the image from memory it already has). The camera's statuses are checked against what was sent:
// a camera that asks for bytes from anywhere but where it is, or says "written" past the end, is wrong,
// and the transfer fails rather than send it something else.

import type { ServerMessage, UpdateStatus } from "../../src/protocol/types";
import type { SignOffer } from "../ingest/camera-auth";
import type { FirmwareImage } from "./firmware-store";

/** Where an update of a camera is. "restarting": the camera verified the image and restarts into it. */
export type UpdatePhase = "sending" | "restarting" | "done" | "failed";

export interface UpdateProgress {
	version: string;
	phase: UpdatePhase;
	/** Bytes the camera said it has written. */
	written: number;
	size: number;
	/** Why it failed. */
	reason?: string;
	/** When this phase began, ms since the epoch. */
	since: number;
}

export class FirmwareTransfer {
	readonly progress: UpdateProgress;
	readonly #bytes: Buffer;
	readonly #chunkSize: number;
	readonly #send: (message: ServerMessage) => void;
	readonly #now: () => number;
	readonly #onChange: (progress: UpdateProgress) => void;
	#sentUpTo = 0; // the end of the last chunk sent

	/** `sign`: the offer's proof under the camera's key for this connection (ingest/camera-auth.ts). */
	constructor(image: FirmwareImage, bytes: Buffer, options: {
		chunkSize: number; sign: SignOffer; send: (message: ServerMessage) => void; now: () => number; onChange: (progress: UpdateProgress) => void;
	}) {
		this.#bytes = bytes;
		this.#chunkSize = options.chunkSize;
		this.#send = options.send;
		this.#now = options.now;
		this.#onChange = options.onChange;
		this.progress = { version: image.version, phase: "sending", written: 0, size: bytes.byteLength, since: options.now() };
		const sha256 = Buffer.from(image.sha256, "hex");
		this.#send({ type: "updateOffer", size: bytes.byteLength, chunkSize: this.#chunkSize, sha256, proof: options.sign(sha256, bytes.byteLength, image.version), version: image.version });
	}

	get active(): boolean {
		return this.progress.phase === "sending";
	}

	/** The camera's status. Returns false when it makes no sense for what was sent (the caller closes the connection). */
	status(status: UpdateStatus): boolean {
		if (!this.active) return false;
		if (status.state === "failed") {
			this.finish("failed", "the camera refused it: " + status.reason);
			return true;
		}
		const expected = status.state === "ready" ? 0 : this.#sentUpTo;
		if (status.offset !== expected) return false;
		this.progress.written = status.offset;
		if (status.state === "verified") {
			if (status.offset !== this.#bytes.byteLength) return false;
			this.finish("restarting");
			return true;
		}
		if (status.offset >= this.#bytes.byteLength) return false; // written it all, yet not verified
		this.#sentUpTo = Math.min(status.offset + this.#chunkSize, this.#bytes.byteLength);
		this.#send({ type: "updateChunk", offset: status.offset, bytes: this.#bytes.subarray(status.offset, this.#sentUpTo) });
		this.#onChange(this.progress);
		return true;
	}

	/** The connection ended before the camera verified the image: its running firmware is untouched. */
	cut(reason: string): void {
		if (this.active) this.finish("failed", "cut after " + this.progress.written + " of " + this.progress.size + " bytes: " + reason);
	}

	/** The transfer's last phases: the camera verified it (here), then came back running it or not (updates.ts). */
	finish(phase: Exclude<UpdatePhase, "sending">, reason?: string): void {
		this.progress.phase = phase;
		this.progress.since = this.#now();
		if (reason !== undefined) this.progress.reason = reason;
		this.#onChange(this.progress);
	}
}
