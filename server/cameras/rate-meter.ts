// Frame rate and bit rate over the last few seconds, from a small ring of (time, bytes): constant memory
// and constant work per frame, however long the camera streams.

const SLOTS = 64;
const WINDOW_MS = 5000;

export class RateMeter {
	readonly #times = new Float64Array(SLOTS);
	readonly #bytes = new Float64Array(SLOTS);
	#count = 0;
	#next = 0;

	add(time: number, bytes: number): void {
		this.#times[this.#next] = time;
		this.#bytes[this.#next] = bytes;
		this.#next = (this.#next + 1) % SLOTS;
		this.#count = Math.min(this.#count + 1, SLOTS);
	}

	/** Frames per second and kbit/s; 0 when fewer than two frames arrived within the window. */
	rates(now: number): { fps: number; kbps: number } {
		let frames = 0;
		let bytes = 0;
		let oldest = 0;
		let oldestBytes = 0;
		let newest = 0;
		for (let i = 1; i <= this.#count; i++) { // newest first
			const slot = (this.#next - i + SLOTS) % SLOTS;
			const time = this.#times[slot];
			if (now - time > WINDOW_MS) break;
			if (frames === 0) newest = time;
			oldest = time;
			oldestBytes = this.#bytes[slot];
			bytes += oldestBytes;
			frames++;
		}
		const span = newest - oldest;
		if (frames < 2 || span <= 0) return { fps: 0, kbps: 0 };
		// n frames span n - 1 intervals; the oldest frame's bytes arrived before the span began
		return { fps: ((frames - 1) * 1000) / span, kbps: ((bytes - oldestBytes) * 8) / span };
	}
}
