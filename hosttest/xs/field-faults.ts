// The faults of a day in the field (day-in-the-field.test.ts): what each does to the XS board's world,
// and the bound on its recovery, the virtual time from the fault's end (an instant fault ends when it is
// made) to the end of the crank in which the receiver has a frame again. Each bound is derived from the
// firmware's own constants, restated here since src/ does not export them:
//   - the Wi-Fi link (src/link/wifi-link.ts) waits Backoff(1000, 60000) between joins;
//   - the session (src/session/session.ts) waits Backoff(500, 30000) between connections, reset by each
//     welcome, and gives up a connection silent for SILENT_PINGS ping intervals, checked every TICK;
//   - src/backoff.ts draws each wait from [c/2, c], c the base doubled per attempt, capped.
// In this tier the network answers one crank later (xs-device.ts), so a connection (its connect, then
// the hello's welcome) and its first frame's arrival take at most three cranks after the firmware opens it.

import { seeded } from "../net/fault-proxy";
import type { RadioOptions } from "../host/radio";

export const LINK_BACKOFF = { base: 1000, max: 60_000 };
export const SESSION_BACKOFF = { base: 500, max: 30_000 };
const SILENT_PINGS = 3;
const TICK = 1000;
/** The radio of the day, explicit so the bounds can use it. */
export const RADIO: Required<Pick<RadioOptions, "scanTimeout" | "associateDelay" | "dhcpDelay">> = { scanTimeout: 3000, associateDelay: 300, dhcpDelay: 200 };
/** The in-process receiver's ping interval (decoder-receiver.ts's default). */
export const PING_INTERVAL = 5000;

export type FaultKind = "wifi drop" | "receiver down" | "receiver restart" | "half-open" | "garbage";
export const FAULT_KINDS: FaultKind[] = ["wifi drop", "receiver down", "receiver restart", "half-open", "garbage"];

export interface Fault {
	kind: FaultKind;
	/** Virtual time from the start of the run, ms (whole cranks). */
	at: number;
	/** How long it lasts, ms (0: an instant). */
	duration: number;
	/** What the receiver says for "garbage". */
	bytes?: Uint8Array;
}

/** Faults whose duration is drawn, in whole seconds, from this range; the others are instants. */
const DURATION = { min: 2_000, max: 120_000 };
/** Time between the end of one fault and the next, drawn in whole seconds. */
const GAP = { min: 120_000, max: 300_000 };

/**
 * Faults for `hours` of virtual time from `seed`: every kind once, in a shuffled order, then again, so
 * that an hour holds each kind about three times; none starts in the first minute, and each ends and
 * recovers within `hours`.
 */
export function faultSchedule(seed: number, hours: number, crank: number): Fault[] {
	const random = seeded(seed);
	const draw = (range: { min: number; max: number }) => 1000 * Math.floor(range.min / 1000 + random() * ((range.max - range.min) / 1000 + 1));
	const faults: Fault[] = [];
	let bag: FaultKind[] = [];
	for (let at = 60_000; ;) {
		if (!bag.length) bag = shuffled(FAULT_KINDS, random);
		const kind = bag.pop()!;
		const duration = kind === "wifi drop" || kind === "receiver down" ? draw(DURATION) : 0;
		if (at + duration + worstRecovery({ kind, duration }, crank) > hours * 3_600_000) return faults;
		const fault: Fault = { kind, at, duration };
		if (kind === "garbage") fault.bytes = garbage(random);
		faults.push(fault);
		at += duration + draw(GAP);
	}
}

/** The longest a fault may take to recover, ms, with `crank` ms of virtual time per crank. */
export function worstRecovery(fault: Pick<Fault, "kind" | "duration">, crank: number): number {
	const connection = 3 * crank;
	const firstWait = SESSION_BACKOFF.base; // the welcome before the fault reset the session's backoff
	switch (fault.kind) {
		case "receiver restart":
		case "garbage": // the decoder throws at once: the connection goes, as a reset's does
			return firstWait + connection;
		case "receiver down": // refused at once all along: the wait that is pending when it is back
			return longestWait(SESSION_BACKOFF, fault.duration, 0) + connection;
		case "half-open": // the last word came at the fault at the latest; silence is checked every tick
			return SILENT_PINGS * PING_INTERVAL + TICK + firstWait + connection;
		case "wifi drop": { // each join finds no access point after a scan; one may be under way when it is back
			const join = RADIO.associateDelay + RADIO.dhcpDelay;
			return RADIO.scanTimeout + longestWait(LINK_BACKOFF, fault.duration + RADIO.scanTimeout, RADIO.scanTimeout) + join + connection;
		}
	}
}

/**
 * The longest wait a backoff can be in when `within` ms have passed since its first draw, each failed
 * attempt taking `perAttempt` ms beyond its wait: the largest ceiling c_m with Σ_{i<m} (c_i/2 + perAttempt) ≤ within.
 */
export function longestWait(backoff: { base: number; max: number }, within: number, perAttempt: number): number {
	let ceiling = Math.min(backoff.max, backoff.base);
	for (let elapsed = ceiling / 2 + perAttempt; elapsed <= within && ceiling < backoff.max; elapsed += ceiling / 2 + perAttempt) ceiling = Math.min(backoff.max, ceiling * 2);
	return ceiling;
}

function shuffled<T>(items: T[], random: () => number): T[] {
	const copy = items.slice();
	for (let index = copy.length - 1; index > 0; index--) {
		const other = Math.floor(random() * (index + 1));
		[copy[index], copy[other]] = [copy[other], copy[index]];
	}
	return copy;
}

/** 8 to 64 random bytes that cannot start a message (not the magic's "X"), so the decoder throws on its header. */
function garbage(random: () => number): Uint8Array {
	const bytes = new Uint8Array(8 + Math.floor(random() * 57));
	for (let index = 0; index < bytes.length; index++) bytes[index] = Math.floor(random() * 256);
	if (bytes[0] === 0x58) bytes[0] = 0;
	return bytes;
}
