// The frame-rate cap. The sensor captures at its own rate (25 fps at VGA on an ESP32-CAM) and every
// frame must be read and closed or the pool of three stalls, so the cap decides per frame whether to
// send it. Frames are due every 1000/rate ms; a frame a little early is taken (sensor timing jitters) and
// the schedule then advances by one interval, so the average stays at the cap; after a pause the
// schedule restarts instead of letting a burst through.

export { FRAME_RATE_MAX, FRAME_RATE_MIN } from "../protocol/constants"; // the caps the pacer takes

/** How early, as a fraction of the interval, a frame may arrive and still be taken. */
const EARLY = 0.1;

export class FramePacer {
	#interval = 0;
	#due = -Infinity;

	constructor(rate: number) {
		this.rate = rate;
	}

	/** Frames per second. */
	get rate(): number {
		return 1000 / this.#interval;
	}

	set rate(rate: number) {
		this.#interval = 1000 / rate;
		this.#due = -Infinity; // a new cap applies from the next frame
	}

	/** Whether a frame captured at `now` (ms) should be sent. */
	admit(now: number): boolean {
		if (now < this.#due - this.#interval * EARLY) return false;
		this.#due = now - this.#due > this.#interval ? now + this.#interval : this.#due + this.#interval;
		return true;
	}
}
