// The order a camera's viewers get its frames in (server/viewers/rotation.ts): each frame's round starts
// one viewer further on, so no viewer is always last; a round over its time budget yields and goes on;
// a frame published meanwhile takes over the round; viewers that leave or join meanwhile are skipped or
// wait for the next round. Then the same order through the MJPEG fan-out's own writes.
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { Camera, ReceivedFrame } from "../../server/cameras/camera";
import type { Core } from "../../server/core";
import { FanOut } from "../../server/http/fan-out";
import { Rotation, type Member, type RotationTiming } from "../../server/viewers/rotation";
import { ManualClock } from "./helpers/manual-clock";

/** Members that note every offer in one shared log, on a clock that moves only when an offer says so. */
function rig(count: number, budgetMs = 1000, msPerOffer = 0) {
	const log: { member: number; item: string }[] = [];
	const later: (() => void)[] = [];
	let now = 0;
	const timing: RotationTiming = { budgetMs, now: () => now, later: (fn) => void later.push(fn) };
	const rotation = new Rotation<string, Member<string> & { id: number }>(timing);
	const member = (id: number) => ({
		id,
		offer(item: string) {
			log.push({ member: id, item });
			now += msPerOffer;
		},
	});
	const members = Array.from({ length: count }, (_, id) => member(id));
	for (const one of members) rotation.add(one);
	/** Runs the rounds that yielded, until none is left. */
	const runLater = () => {
		while (later.length > 0) later.shift()!();
	};
	return { log, rotation, members, member, runLater, pendingLater: () => later.length };
}

describe("the rotation of a camera's viewers", () => {
	it("starts each round one viewer further on: over n frames each viewer is last exactly once", () => {
		const { log, rotation } = rig(4);
		const frames = ["a", "b", "c", "d", "e", "f", "g", "h"];
		for (const frame of frames) rotation.publish(frame);
		const orders = frames.map((frame) => log.filter(({ item }) => item === frame).map(({ member }) => member));
		expect(orders).toEqual([
			[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 1], [3, 0, 1, 2],
			[0, 1, 2, 3], [1, 2, 3, 0], [2, 3, 0, 1], [3, 0, 1, 2],
		]);
		const lasts = orders.map((order) => order.at(-1));
		for (const member of [0, 1, 2, 3]) expect(lasts.filter((last) => last === member), "frames member " + member + " was last for").toHaveLength(2);
	});

	it("yields once a round has run its budget, and goes on in a later turn from where it stopped", () => {
		const { log, rotation, runLater, pendingLater } = rig(40, 10, 1); // 1 ms an offer: over budget at the 16th, when the clock is read
		rotation.publish("a");
		expect(log.map(({ member }) => member)).toEqual(Array.from({ length: 16 }, (_, i) => i));
		expect(pendingLater()).toBe(1);
		runLater(); // 24 left: the budget is read at the 16th again, then the last 8
		expect(log.map(({ member }) => member)).toEqual(Array.from({ length: 40 }, (_, i) => i));
		expect(log.every(({ item }) => item === "a")).toBe(true);
		expect(pendingLater()).toBe(0);
	});

	it("hands a frame published during a yielded round to every viewer from where the round got to, and none gets the older one after it", () => {
		const { log, rotation, runLater } = rig(40, 10, 1);
		rotation.publish("a"); // viewers 0 to 15 get a, then it yields
		rotation.publish("b"); // takes over the round: viewers 16 to 39, then 0 to 15
		runLater();
		const b = log.filter(({ item }) => item === "b").map(({ member }) => member);
		expect(log.filter(({ item }) => item === "a").map(({ member }) => member)).toEqual(Array.from({ length: 16 }, (_, i) => i));
		expect(b).toEqual([...Array.from({ length: 24 }, (_, i) => 16 + i), ...Array.from({ length: 16 }, (_, i) => i)]);
		expect(log.findIndex(({ item }) => item === "b")).toBe(16); // nothing of a after b began
		rotation.publish("c"); // the next round starts where the last one did, one further on
		expect(log.filter(({ item }) => item === "c")[0].member).toBe(1);
	});

	it("skips viewers that leave during a yielded round, and keeps one that joins for the next round", () => {
		const { log, rotation, members, member, runLater } = rig(40, 10, 1);
		rotation.publish("a"); // 0 to 15 done
		rotation.delete(members[5]); // done already
		rotation.delete(members[30]); // still to come
		const newcomer = member(99);
		rotation.add(newcomer);
		runLater();
		const a = log.filter(({ item }) => item === "a").map(({ member }) => member);
		expect(a).toEqual([...Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 30)]);
		expect(rotation.size).toBe(39);
		log.length = 0;
		rotation.publish("b");
		runLater();
		const b = log.map(({ member }) => member);
		expect(b).toHaveLength(39);
		expect(new Set(b)).toEqual(new Set([...Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 5 && i !== 30), 99]));
	});

	it("forgets a round whose viewers all left", () => {
		const { log, rotation, members, runLater } = rig(40, 10, 1);
		rotation.publish("a");
		for (const one of members) rotation.delete(one);
		runLater();
		expect(log).toHaveLength(16);
		expect(rotation.size).toBe(0);
		rotation.publish("b"); // no viewers: nothing to do
		expect(log).toHaveLength(16);
	});
});

/** A socket as the fan-out uses it, noting which frames are written to it in one shared log. */
class FakeSocket extends EventEmitter {
	destroyed = false;
	errored = null;
	writableLength = 0;
	bytesWritten = 0;
	readonly remoteAddress = "127.0.0.1";
	constructor(readonly remotePort: number, readonly writes: { viewer: number; jpeg: Buffer }[], readonly jpegs: Set<Buffer>) {
		super();
	}
	setNoDelay() {}
	setTimeout() {}
	cork() {}
	uncork() {}
	write(chunk: Buffer): boolean {
		if (this.jpegs.has(chunk)) this.writes.push({ viewer: this.remotePort, jpeg: chunk });
		this.bytesWritten += chunk.byteLength;
		return true;
	}
	destroy() {
		this.destroyed = true;
		queueMicrotask(() => this.emit("close"));
	}
}

describe("the MJPEG fan-out's order of writes", () => {
	it("writes each frame to its viewers from one viewer further on than the last frame", async () => {
		const clock = new ManualClock();
		const core = { options: { viewerStallMs: 20_000 }, clock, log: { debug() {}, warn() {} } } as unknown as Core;
		const fanOut = new FanOut(core);
		const camera = { id: "cam", intake: { latest: undefined } } as unknown as Camera;
		const writes: { viewer: number; jpeg: Buffer }[] = [];
		const jpegs = new Set<Buffer>();
		for (const port of [0, 1, 2]) fanOut.add(camera, new FakeSocket(port, writes, jpegs) as never);

		const frames = Array.from({ length: 6 }, (_, seq) => ({ jpeg: Buffer.from([0xff, 0xd8, seq, 0xff, 0xd9]), seq }) as unknown as ReceivedFrame);
		for (const frame of frames) {
			jpegs.add(frame.jpeg);
			fanOut.publish(camera, frame);
		}
		const orders = frames.map((frame) => writes.filter(({ jpeg }) => jpeg === frame.jpeg).map(({ viewer }) => viewer));
		expect(orders).toEqual([[0, 1, 2], [1, 2, 0], [2, 0, 1], [0, 1, 2], [1, 2, 0], [2, 0, 1]]);
		await fanOut.close();
		expect(clock.pending, "the stall watch's timer").toBe(0);
	});
});
