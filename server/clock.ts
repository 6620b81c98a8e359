// The receiver's only source of time. Every timeout (hello, silence, viewer stall, control answer),
// every rate and every segment boundary reads it, so tests drive time with a manual clock instead of
// waiting, and closing the receiver can cancel every timer it started.

/** Cancels a timer; calling it twice, or after the timer fired, does nothing. */
export type Cancel = () => void;

export interface Clock {
	/** Milliseconds since the Unix epoch. */
	now(): number;
	/** Calls `fn` once after `ms`. */
	after(ms: number, fn: () => void): Cancel;
	/** Calls `fn` every `ms` until cancelled. */
	every(ms: number, fn: () => void): Cancel;
}

export const systemClock: Clock = {
	now: () => Date.now(),
	after(ms, fn) {
		const timer = setTimeout(fn, ms);
		return () => clearTimeout(timer);
	},
	every(ms, fn) {
		const timer = setInterval(fn, ms);
		return () => clearInterval(timer);
	},
};
