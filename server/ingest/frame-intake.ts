// What ingest does with each frame a camera sends: counts what the sequence numbers say was lost, drops
// a payload that is not a JPEG, believes the capture time only within bounds, and hands the frame on to
// the frame bus without copying it (the decoder gave it a buffer of its own). One per connection: the
// sequence numbers start again with each.
//
// It also makes the buffers the decoder assembles frames in, and reuses one that nobody kept
// (cameras/reusable-frame.ts): allocating a fresh 40 KB buffer per frame, and V8 collecting it (external
// memory pressure forces a full collection every few hundred ms at 400 MB/s), was most of a receiver's
// time with a thousand unwatched cameras (docs/performance.md, benchmark 8).

import { FRAME_RATE_MAX } from "../../src/protocol/constants";
import type { Frame } from "../../src/protocol/types";
import type { Camera } from "../cameras/camera";
import { ReusableFrame } from "../cameras/reusable-frame";
import type { Core } from "../core";

/** A capture time this far ahead of the receiver's clock is not believed: the camera's clock is wrong. */
export const MAX_CLOCK_AHEAD_MS = 1000;
/** Nor one this far behind: no frame is that late on a connection that is alive (pings would have ended it). */
export const MAX_LATENCY_MS = 60_000;

const JPEG_SOI_0 = 0xff;
const JPEG_SOI_1 = 0xd8;

/** Room a frame's buffer leaves beyond its first frame, so that the camera's next, a little larger, fits. */
const HEADROOM = 1 / 8;

export class FrameIntake {
	readonly #core: Core;
	readonly #remote: string;
	readonly #made = new WeakSet<ArrayBuffer>(); // frames' buffers allocateFrame made: only these are reused
	#spare: ArrayBuffer | undefined;
	readonly #keepSpare = (memory: ArrayBuffer) => void (this.#spare ??= memory); // one spare is enough
	#lastSeq: number | undefined;
	#lastAt = 0;
	#badLogged = false;
	#misdatedLogged = false;

	constructor(core: Core, remote: string) {
		this.#core = core;
		this.#remote = remote;
	}

	/** A buffer for a frame's body (the decoder's allocateFrame): the spare when it is large enough, never zero-filled. */
	allocateFrame(byteLength: number): Uint8Array {
		const spare = this.#spare;
		this.#spare = undefined;
		if (spare !== undefined && spare.byteLength >= byteLength) return new Uint8Array(spare, 0, byteLength);
		const capacity = Math.min(Math.ceil(byteLength * (1 + HEADROOM)), this.#core.options.maxBodyBytes); // no frame exceeds it: the decoder checked
		const memory = Buffer.allocUnsafeSlow(capacity).buffer as ArrayBuffer;
		this.#made.add(memory);
		return new Uint8Array(memory, 0, byteLength);
	}

	/** Takes a decoded frame whose JPEG buffer is now the receiver's. */
	take(camera: Camera, frame: Frame): void {
		const { clock, log, frames } = this.#core;
		const intake = camera.intake;
		const previous = intake.latest;
		const now = clock.now();
		if (this.#lastSeq !== undefined) {
			// A gap is frames lost on the way. A jump backwards (or 2^31 or more forwards, which modulo 2^32
			// is the same) is the camera numbering from 0 again without reconnecting: the frames it numbered
			// before this one were lost. Either way no more are counted than the camera could have sent since
			// the last frame, plus a second's grace, so a confused camera's jump is not billions of frames.
			const gap = (frame.seq - this.#lastSeq - 1) >>> 0; // seq wraps at 2^32
			const missing = gap < 0x80000000 ? gap : frame.seq;
			intake.framesLost += Math.min(missing, Math.ceil((now - this.#lastAt + 1000) * maxFps(camera) / 1000));
		}
		this.#lastSeq = frame.seq;
		this.#lastAt = now;
		const { jpeg } = frame;
		// A payload that is not a JPEG is dropped and counted, and the connection stays: the framing is
		// intact (the length was right), and one corrupt sensor frame is no reason to cut a camera off.
		if (jpeg.byteLength < 2 || jpeg[0] !== JPEG_SOI_0 || jpeg[1] !== JPEG_SOI_1) {
			intake.framesBad++;
			if (!this.#badLogged) log.warn({ camera: camera.id, remote: this.#remote, seq: frame.seq },
				"camera " + camera.id + " sent a frame that is not a JPEG (no FF D8 start); dropping such frames");
			this.#badLogged = true; // once per connection: a broken sensor would otherwise flood the log
			return;
		}
		let latencyMs: number | undefined = now - frame.captureTime;
		let captureTime = frame.captureTime;
		if (!(latencyMs >= -MAX_CLOCK_AHEAD_MS && latencyMs <= MAX_LATENCY_MS)) {
			if (!this.#misdatedLogged) log.warn({ camera: camera.id, remote: this.#remote, offsetMs: -latencyMs },
				"camera " + camera.id + " stamps frames " + Math.round(-latencyMs / 1000) + " s off the receiver's clock; stamping them on arrival");
			this.#misdatedLogged = true;
			intake.framesMisdated++;
			latencyMs = undefined;
			captureTime = now;
		}
		const received = new ReusableFrame(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength), // a view: the bytes are ours already
			frame.seq, captureTime, now, latencyMs, frame.width, frame.height);
		intake.latest = received;
		intake.framesReceived++;
		intake.bytesReceived += jpeg.byteLength;
		intake.rate.add(now, jpeg.byteLength);
		frames.publish(camera, received);
		// The frame this one replaced gives its buffer to the next, if the buffer is this connection's and nobody kept it.
		if (previous instanceof ReusableFrame) previous.replaced(this.#made, this.#keepSpare);
	}
}

function maxFps(camera: Camera): number {
	const control = camera.presence.controls?.find((candidate) => candidate.key === "frameRate");
	return control?.kind === "number" ? control.max : FRAME_RATE_MAX; // a camera that announced no range: the protocol's largest
}
