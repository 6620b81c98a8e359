// The host timer against reference/moddable-sdk.md §6.1 and §9 item 19.

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { TimerId } from "timer";
import { joinedBoard } from "./joined-board";
import Timer from "./timer";

beforeEach(async () => {
	await joinedBoard();
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

describe("host timer", () => {
	it("calls back with the timer as argument and this = globalThis", () => {
		let seen: [unknown, unknown] | undefined;
		const id = Timer.set(function (this: unknown, timer) { seen = [this, timer]; }, 10);
		vi.advanceTimersByTime(10);
		expect(seen).toEqual([globalThis, id]);
	});

	it("kills a one-shot's id once it fired: clear is a no-op, schedule throws", () => {
		const id = Timer.set(() => {}, 5);
		vi.advanceTimersByTime(5);
		expect(() => Timer.clear(id)).not.toThrow();
		expect(() => Timer.schedule(id, 5)).toThrow(SyntaxError);
	});

	it("does not re-arm a one-shot that reschedules itself without a repeat", () => {
		let calls = 0;
		Timer.set((id) => {
			calls++;
			Timer.schedule(id, 10);
		}, 10);
		vi.advanceTimersByTime(100);
		expect(calls).toBe(1);
	});

	it("repeats without drift, and unschedules while keeping the id", () => {
		const times: number[] = [];
		const id = Timer.repeat(() => times.push(Date.now()), 100);
		const start = Date.now();
		vi.advanceTimersByTime(350);
		expect(times.map((time) => time - start)).toEqual([100, 200, 300]);
		Timer.schedule(id); // unscheduled, kept
		vi.advanceTimersByTime(500);
		expect(times).toHaveLength(3);
		Timer.schedule(id, 10, 50);
		vi.advanceTimersByTime(110);
		expect(times).toHaveLength(6); // then every 50 ms: +10, +60, +110
	});

	it("ignores clear() of undefined and of foreign values", () => {
		expect(() => Timer.clear(undefined)).not.toThrow();
		expect(() => Timer.clear({} as TimerId)).not.toThrow();
	});
});
