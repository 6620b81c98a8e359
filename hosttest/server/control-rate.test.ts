// The control rate's token buckets: a key gets perSecond requests at once and perSecond a second after,
// and the table forgets keys whose buckets filled again, so one key per address cannot grow it without end.
import { expect, it } from "vitest";
import { ControlRate } from "../../server/http/control-rate";
import { ManualClock } from "./helpers/manual-clock";

it("gives each key its rate, and keeps counting a key across a sweep", () => {
	const clock = new ManualClock();
	const rate = new ControlRate(clock, 5);
	expect(Array.from({ length: 6 }, () => rate.take("busy"))).toEqual([true, true, true, true, true, false]);
	for (let n = 0; n < 2000; n++) rate.take("address " + n); // sweeps on the way: those buckets are not full yet
	expect(rate.take("busy")).toBe(false); // still empty: a sweep forgets only full buckets
	clock.advance(1000);
	expect(rate.take("busy")).toBe(true);
});

it("forgets the keys whose buckets have filled again", () => {
	const clock = new ManualClock();
	const rate = new ControlRate(clock, 5);
	for (let round = 0; round < 10; round++) {
		for (let n = 0; n < 1000; n++) rate.take("round " + round + " address " + n);
		clock.advance(1000); // those are full again
	}
	expect(rate.size).toBeLessThanOrEqual(2048); // 10,000 keys seen; only the recent ones held
});
