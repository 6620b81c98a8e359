// timer (modules/base/timer; reference/moddable-sdk.md §6.1). Callbacks get the timer; one-shot ids are
// dead after they fire. Timer.delay() blocks the whole VM and is left out on purpose: firmware never blocks.

declare module "timer" {
	export type TimerId = { readonly __timer: unique symbol };
	const Timer: {
		set(callback: (id: TimerId) => void, delay?: number, repeat?: number): TimerId;
		repeat(callback: (id: TimerId) => void, interval: number): TimerId;
		schedule(id: TimerId, delay?: number, repeat?: number): void;
		clear(id: TimerId | undefined): void;
	};
	export default Timer;
}
