// A day in the field, in minutes: the unchanged firmware in XS streams at 10 fps for SOAK_HOURS of
// virtual time (1 in `npm test`, 24 in `npm run test:soak`) while a fault of field-faults.ts strikes
// every few virtual minutes, drawn from SOAK_SEED (random when unset, printed, so a failure replays).
// Checked all along: each fault recovers within its bound, no frame is lost but to a fault, none comes
// twice or out of order; at every sample, with the stream steady, the live slots, the bytes of live
// chunks and the memory the engine took from the system are what they were at the first; at the end,
// every frame the sensor made was closed exactly once and the camera pool was never full.
//
// Frames are stamped in XS (camera-rig.ts), and a crank is 5 s of virtual time (50 frames) while the
// stream is steady, a second from a fault until it is back, so a virtual hour takes a few seconds.

import { afterEach, expect, it } from "vitest";
import { bootRig, RECEIVER, stampedFrameNumber } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import { FaultyNetwork } from "./faulty-network";
import { FAULT_KINDS, faultSchedule, PING_INTERVAL, RADIO, worstRecovery, type Fault, type FaultKind } from "./field-faults";
import type { XsDevice } from "./xs-device";

const HOURS = fromEnv("SOAK_HOURS", 1, (value) => value > 0);
const SEED = fromEnv("SOAK_SEED", Math.floor(Math.random() * 2 ** 31), Number.isSafeInteger);
const FPS = 10;
/** A crank's virtual time from a fault until the stream is back: the resolution of recovery times. */
const CRANK = 1000;
/** A crank's virtual time while the stream is steady: nothing in it needs Node sooner (pings come every 5 s, silence counts after 15). */
const STEADY_CRANK = 5000;
/** Live memory is sampled this often, at the first moment after it when the stream has been steady for STEADY. */
const SAMPLE_EVERY = 15 * 60_000;
const STEADY = 30_000;

/** What the trace says when the firmware meets each fault. */
const SEEN: { [kind in FaultKind]: string[] } = {
	"wifi drop": ["wifi down"],
	"receiver down": ["connection lost", "cannot connect"],
	"receiver restart": ["connection lost"],
	"half-open": ["server silent for 3 ping intervals"],
	garbage: ["protocol: "],
};

/**
 * XS keeps alive the last instance made of each class with private methods: defining a private method
 * on an instance sets the method's home object, shared by the class, to that instance (xsProperty.c,
 * fxDefinePrivateProperty, XS 13.3). The last timer the firmware made (hosttest/host/timer.ts) is the
 * session's tick when the session last started, at boot or when the Wi-Fi came back, and that one is
 * live anyway; after a connection failed it is the retry timer, fired, kept with its callback. So the
 * live heap is flat within each of these two states, and samples are compared within their state.
 */
function stateAfter(kind: FaultKind | undefined): string {
	return kind === undefined || kind === "wifi drop" ? "since the session started" : "since a connection failed";
}

interface Sample {
	at: number;
	state: string;
	slots: number;
	chunkBytes: number;
	allocated: number;
}

interface Outcome {
	fault: Fault;
	recovery: number;
	bound: number;
	lost: number;
}

let device: XsDevice | undefined;

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	expect(stderr ?? "").toBe("");
});

it(`streams ${HOURS} h of virtual time at ${FPS} fps through a fault every few minutes: each recovers within its bound, nothing leaks, every frame closed once`, { timeout: 120_000 + HOURS * 60_000 }, async () => {
	const started = performance.now();
	const faults = faultSchedule(SEED, HOURS, CRANK);
	const problems: string[] = [];
	const outcomes: Outcome[] = [];
	let last = 0; // the frame number last received
	let received = 0;
	let crankEnd = 0; // virtual time of the end of the crank under way, from the origin
	let pending: { fault: Fault; end: number; lastBefore: number; trace: number } | undefined;
	let steadySince = 0;
	const receiver = new DecoderReceiver({
		...RECEIVER, pingInterval: PING_INTERVAL,
		onFrame: (frame) => {
			const number = stampedFrameNumber(frame.jpeg);
			received++;
			if (number <= last) problems.push("frame " + number + " after " + last);
			else if (pending) {
				if (crankEnd <= pending.end && pending.fault.duration > 0) problems.push(pending.fault.kind + " at " + pending.fault.at + ": frame " + number + " arrived during it");
				else {
					const { fault } = pending;
					outcomes.push({ fault, recovery: crankEnd - pending.end, bound: worstRecovery(fault, CRANK), lost: number - pending.lastBefore - 1 });
					const trace = device!.trace.slice(pending.trace);
					for (const text of SEEN[fault.kind]) if (!trace.includes(text)) problems.push(fault.kind + " at " + fault.at + ": no \"" + text + "\" in the trace");
					pending = undefined;
					steadySince = crankEnd;
				}
			}
			else if (last && number !== last + 1) problems.push("frames " + (last + 1) + " to " + (number - 1) + " lost with no fault");
			last = number;
		},
	});
	const network = new FaultyNetwork(receiver);
	device = (await bootRig({
		network, frameSize: "QQVGA", stamped: true, fps: FPS, radio: RADIO, meteringInterval: 100_000,
	})).device;
	for (let cranks = 0; received === 0; cranks++) {
		expect(cranks).toBeLessThan(100);
		await device.advance(CRANK);
	}
	const origin = device.now;
	const samples: Sample[] = [];
	const sample = async (at: number) => {
		samples.push({ at, state: stateAfter(outcomes.at(-1)?.fault.kind), ...await device!.liveHeap() });
		const { cameraCounts } = await device!.report();
		if (cameraCounts.read !== cameraCounts.closed) problems.push("at " + at + ": " + cameraCounts.read + " frames read, " + cameraCounts.closed + " closed");
	};
	await sample(0);

	let next = 0; // the next fault
	let nextSample = SAMPLE_EVERY;
	let refusingUntil = -1;
	const end = HOURS * 3_600_000;
	for (let now = 0, step = CRANK; now < end; now += step) {
		const fault = faults[next];
		if (fault?.at === now) {
			if (pending) problems.push(fault.kind + " at " + now + ": the " + pending.fault.kind + " at " + pending.fault.at + " has not recovered");
			next++;
			pending = { fault, end: now + fault.duration, lastBefore: last, trace: device.trace.length };
			if (fault.kind === "wifi drop") device.dropWifi(fault.duration);
			else if (fault.kind === "half-open") network.silence();
			else if (fault.kind === "garbage") network.inject(fault.bytes!);
			else {
				network.reset();
				if (fault.kind === "receiver down") {
					network.refuse(true);
					refusingUntil = now + fault.duration;
				}
			}
		}
		if (now === refusingUntil) network.refuse(false);
		if (now >= nextSample && !pending && now - steadySince >= STEADY) {
			await sample(now);
			nextSample += SAMPLE_EVERY;
		}
		const upcoming = faults[next]?.at ?? end;
		step = pending || now + STEADY_CRANK > Math.min(upcoming, end) ? CRANK : STEADY_CRANK;
		crankEnd = now + step;
		const before = received;
		await device.advance(step);
		if (!pending && received === before) problems.push("no frame in the crank ending at " + crankEnd);
	}
	if (pending) problems.push("the " + pending.fault.kind + " at " + pending.fault.at + " has not recovered by the end");
	else {
		while (device.now - origin - steadySince < STEADY) await device.advance(CRANK); // the last sample is of a steady stream too
		await sample(device.now - origin);
	}
	const { cameraCounts } = await device.report();
	const wall = performance.now() - started;

	process.stderr.write(summary(outcomes, samples, cameraCounts.captured, received, wall));
	expect(problems).toEqual([]);
	expect(outcomes.length).toBe(faults.length);
	for (const kind of FAULT_KINDS) expect(outcomes.filter((outcome) => outcome.fault.kind === kind).length, kind).toBeGreaterThan(0);
	for (const outcome of outcomes) expect(outcome.recovery, outcome.fault.kind + " at " + outcome.fault.at).toBeLessThanOrEqual(outcome.bound);
	for (const state of new Set(samples.map((s) => s.state))) {
		const mine = samples.filter((s) => s.state === state);
		expect(mine.map(({ slots }) => slots), "live slots after gc() " + state).toEqual(mine.map(() => mine[0].slots));
		expect(mine.map(({ chunkBytes }) => chunkBytes), "bytes of live chunks " + state).toEqual(mine.map(() => mine[0].chunkBytes));
	}
	expect(samples.map(({ allocated }) => allocated), "bytes the engine took from the system").toEqual(samples.map(() => samples[0].allocated));
	expect(device.trace).not.toContain("asked for a restart");
	expect(cameraCounts.read).toBe(cameraCounts.closed);
	expect(cameraCounts.captured).toBe(cameraCounts.read);
	expect(cameraCounts).toMatchObject({ closedTwice: 0, written: 0, poolFull: 0 });
});

/** The test output's account of the run: faults by kind, recoveries against their bounds, frames lost, memory. */
function summary(outcomes: Outcome[], samples: Sample[], captured: number, received: number, wall: number): string {
	const seconds = (ms: number) => (ms / 1000).toFixed(1);
	const lines = [
		"xs day in the field: SOAK_HOURS=" + HOURS + " SOAK_SEED=" + SEED + ", " + outcomes.length + " faults, " + captured + " frames captured, " + received + " received, " + seconds(wall) + " s of wall time",
		"| fault | injected | lasting (s) | worst recovery (s) | its bound (s) | frames lost per fault (min / mean / max) |",
		"|---|---|---|---|---|---|",
	];
	for (const kind of FAULT_KINDS) {
		const mine = outcomes.filter((outcome) => outcome.fault.kind === kind);
		if (!mine.length) continue;
		const worst = mine.reduce((a, b) => (b.recovery > a.recovery ? b : a));
		const durations = mine.map((outcome) => outcome.fault.duration);
		const lost = mine.map((outcome) => outcome.lost);
		lines.push("| " + kind + " | " + mine.length + " | " + (Math.max(...durations) ? seconds(Math.min(...durations)) + "–" + seconds(Math.max(...durations)) : "an instant") + " | " +
			seconds(worst.recovery) + " | " + seconds(worst.bound) + " | " + Math.min(...lost) + " / " + (lost.reduce((a, b) => a + b, 0) / lost.length).toFixed(1) + " / " + Math.max(...lost) + " |");
	}
	const distinct = (values: number[]) => [...new Set(values)].join(", ");
	for (const state of new Set(samples.map((s) => s.state))) {
		const mine = samples.filter((s) => s.state === state);
		lines.push("live after gc() at " + mine.length + " samples " + state + ": slots " + distinct(mine.map((s) => s.slots)) + "; chunk bytes " + distinct(mine.map((s) => s.chunkBytes)));
	}
	lines.push("bytes the engine took from the system, at every sample: " + distinct(samples.map((s) => s.allocated)));
	return lines.join("\n") + "\n";
}

function fromEnv(name: string, otherwise: number, valid: (value: number) => boolean): number {
	const text = process.env[name];
	if (text === undefined || text === "") return otherwise;
	const value = Number(text);
	if (!valid(value)) throw new Error(name + " must be " + (name === "SOAK_SEED" ? "an integer" : "a positive number of hours") + ", not " + JSON.stringify(text));
	return value;
}
