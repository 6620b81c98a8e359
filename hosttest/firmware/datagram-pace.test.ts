// How a camera paces its datagrams to the receiver's reports (session/datagram-pace.ts): unpaced while
// little is lost, slower by a factor when much is, never below one frame a second, and faster again a
// frame a second per good report until it is no longer the limit.

import { describe, expect, it } from "vitest";
import { DatagramPace, MIN_PACED_RATE } from "../../src/session/datagram-pace";

/** Reports a second apart, each of `frames` frames of which `lost` were lost, from `pace`'s start. */
function reporter(pace: DatagramPace) {
	let completed = 0;
	let lost = 0;
	let now = 0;
	return (frames: number, lostNow: number) => {
		completed += frames - lostNow;
		lost += lostNow;
		now += 1000;
		pace.report({ type: "datagramReport", completed, lost, rejected: 0, jitter: 0 }, now);
		return pace.rate;
	};
}

/** How many of `count` frames captured `interval` ms apart from `start` the pace lets go. */
function taken(pace: DatagramPace, start: number, count: number, interval: number): number {
	let going = 0;
	for (let i = 0; i < count; i++) if (pace.take(start + i * interval)) going++;
	return going;
}

describe("the datagram pace", () => {
	it("lets every frame go while the reports say little is lost", () => {
		const pace = new DatagramPace(0);
		const report = reporter(pace);
		expect(report(20, 0)).toBe(Infinity);
		expect(report(20, 1)).toBe(Infinity); // 5%: between the two thresholds, no change
		expect(taken(pace, 2000, 20, 50)).toBe(20);
	});

	it("slows to 0.7 of what the receiver saw when over a tenth is lost, down to a floor, and lets frames go at that rate", () => {
		const pace = new DatagramPace(0);
		const report = reporter(pace);
		expect(report(20, 10)).toBeCloseTo(14); // 20 frames a second seen, half lost
		expect(report(14, 7)).toBeCloseTo(9.8);
		expect(taken(pace, 2000, 20, 50)).toBe(10); // a second of 20 fps capture, paced to 9.8: one frame every 102 ms
		for (let i = 0; i < 20; i++) report(4, 4);
		expect(pace.rate).toBe(MIN_PACED_RATE);
	});

	it("speeds up a frame a second per good report, and stops pacing once it is twice what the receiver saw", () => {
		const pace = new DatagramPace(0);
		const report = reporter(pace);
		report(10, 5); // 7 frames a second
		expect(report(7, 0)).toBeCloseTo(8);
		expect(report(8, 0)).toBeCloseTo(9);
		for (let i = 0; i < 5; i++) report(5, 0); // the camera itself sends only 5 a second now: 9 + 1 > 2 * 5
		expect(pace.rate).toBe(Infinity);
	});

	it("waits for a report that covers enough frames to speak of loss", () => {
		const pace = new DatagramPace(0);
		const report = reporter(pace);
		expect(report(3, 3)).toBe(Infinity); // 3 frames: too few to judge
		expect(report(3, 3)).toBeCloseTo(0.7 * 3); // the next one counts both: 6 frames in 2 s, all lost
	});
});
