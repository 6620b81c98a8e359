// How fast a camera sends frames as datagrams: as fast as it captures them until the receiver's reports
// (protocol: datagram report) say frames are being lost, then slower, and faster again as the loss goes.
// A datagram has no flow control of its own, so without this a camera on a link slower than its bit
// rate would fill the access point's queue and lose nearly every frame (a frame is lost with any one of
// its datagrams). Additive increase, multiplicative decrease, in frames a second, as TCP does in bytes.

import type { DatagramReport } from "../protocol/types";

/** Loss above this fraction of the frames a report covers slows the camera down, by SLOWER. */
const TOO_MUCH_LOSS = 0.1;
/** Loss under this lets it speed up, by FASTER frames a second per report. */
const LITTLE_LOSS = 0.02;
const SLOWER = 0.7;
const FASTER = 1;
/** The slowest it is paced: a frame a second, so that a report always has frames to speak of. */
export const MIN_PACED_RATE = 1;
/** Fewer frames than this in a report say nothing of the loss. */
const MIN_FRAMES = 4;

export class DatagramPace {
	/** Frames a second, or Infinity: only the camera's frame-rate cap. */
	#rate = Infinity;
	#next = -Infinity; // the device time the next frame may go at
	#completed = 0;
	#lost = 0;
	#at: number; // when the last report came

	/** `now`: the device clock, ms, at the welcome (reports count from it). */
	constructor(now: number) {
		this.#at = now;
	}

	/** Frames a second it is paced to; Infinity when it is not. */
	get rate(): number {
		return this.#rate;
	}

	/**
	 * Whether a frame captured at `time` may go now; if so, it is counted as gone. Frames come at the
	 * camera's own interval, so the next one is due an interval after the last one was due (not after it
	 * went), up to one interval late: the rate holds on average, and a pause earns no burst.
	 */
	take(time: number): boolean {
		if (time < this.#next) return false;
		if (this.#rate === Infinity) this.#next = -Infinity;
		else {
			const interval = 1000 / this.#rate;
			this.#next = (this.#next === -Infinity ? time : Math.max(this.#next, time - interval)) + interval;
		}
		return true;
	}

	/** The receiver's report, which came at `now`. */
	report(report: DatagramReport, now: number): void {
		const completed = report.completed - this.#completed;
		const lost = report.lost - this.#lost;
		const frames = completed + lost;
		if (frames < MIN_FRAMES || now <= this.#at) return; // the next report covers these too
		const seen = frames * 1000 / (now - this.#at); // frames a second the receiver saw numbered
		this.#completed = report.completed;
		this.#lost = report.lost;
		this.#at = now;
		const loss = lost / frames;
		if (loss > TOO_MUCH_LOSS) this.#rate = Math.max(MIN_PACED_RATE, Math.min(this.#rate, seen) * SLOWER);
		else if (loss < LITTLE_LOSS && this.#rate !== Infinity) this.#rate = this.#rate + FASTER > 2 * seen ? Infinity : this.#rate + FASTER;
	}
}
