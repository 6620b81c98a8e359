// timer on the board's clock, with the SDK's semantics (modules/base/timer/modTimer.c, mc/timer.c;
// reference/moddable-sdk.md §6.1): the callback runs with `this` = globalThis and the timer as its
// argument; a one-shot timer's id is dead once it fired (clear() is then a no-op, schedule() throws),
// and rescheduling a one-shot from inside its own callback does not re-arm it; repeats do not drift.

import type DeviceTimer from "timer";
import type { TimerId } from "timer";
import { board } from "./board";
import { closedError } from "../../modules/sim/io-common";

class HostTimer {
	readonly #callback: (id: TimerId) => void;
	#repeat: number;
	#handle: unknown;
	#due = 0;
	dead = false;

	constructor(callback: (id: TimerId) => void, delay: number, repeat: number) {
		if (typeof callback !== "function") throw new TypeError("callback is not a function");
		this.#callback = callback;
		this.#repeat = repeat;
		this.#arm(delay);
	}

	schedule(delay: number | undefined, repeat: number): void {
		if (this.dead) throw closedError();
		this.#disarm();
		if (delay === undefined) return; // unscheduled, kept for later
		this.#repeat = repeat;
		this.#arm(delay);
	}

	clear(): void {
		this.#disarm();
		this.dead = true;
	}

	#arm(delay: number): void {
		this.#due = board().now() + delay;
		this.#handle = board().setTimer(() => this.#fire(), Math.max(0, delay));
	}

	#disarm(): void {
		if (this.#handle !== undefined) board().clearTimer(this.#handle);
		this.#handle = undefined;
	}

	#fire(): void {
		this.#handle = undefined;
		this.#callback.call(globalThis, this as unknown as TimerId);
		if (this.dead) return;
		if (!this.#repeat) {
			this.clear(); // mc/timer.c removes a one-shot after its callback, whatever it rescheduled
			return;
		}
		if (this.#handle === undefined) { // not rescheduled by the callback: next beat, without drift
			this.#due += this.#repeat;
			this.#handle = board().setTimer(() => this.#fire(), Math.max(0, this.#due - board().now()));
		}
	}
}

const Timer = {
	set(callback: (id: TimerId) => void, delay = 0, repeat = 0): TimerId {
		return new HostTimer(callback, delay, repeat) as unknown as TimerId;
	},
	repeat(callback: (id: TimerId) => void, interval: number): TimerId {
		return new HostTimer(callback, interval, interval) as unknown as TimerId;
	},
	schedule(id: TimerId, delay?: number, repeat = 0): void {
		if (!(id instanceof HostTimer)) throw closedError();
		id.schedule(delay, repeat);
	},
	clear(id: TimerId | undefined): void {
		if (id instanceof HostTimer) id.clear(); // undefined and foreign values are ignored, as on the device
	},
};

export default Timer satisfies typeof DeviceTimer;
