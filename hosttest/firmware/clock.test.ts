// The date a TLS camera believes (app/clock.ts): never earlier than its build or the last date a
// receiver gave it, and the receiver's from every welcome, kept across a restart.

import { afterEach, expect, it, vi } from "vitest";
import { DeviceClock } from "../../src/app/clock";
import { installBoard } from "../host/board";
import { createNodeBoard } from "../host/node-board";
import Preference from "../host/preference";

const DAY = 86_400;
const set: number[] = [];
const Time = { set: (seconds: number) => void set.push(seconds) };

function freshBoard() {
	installBoard(createNodeBoard({ config: { manifest: {}, commandLine: {} }, trace: () => {} }));
	set.length = 0;
}

afterEach(() => vi.useRealTimers());

it("moves a clock that starts at 1970 to the build date", () => {
	freshBoard();
	vi.useFakeTimers({ now: 0 });
	new DeviceClock(Time, Preference).atLeast(20_000 * DAY);
	expect(set).toEqual([20_000 * DAY]);
});

it("leaves a clock that is already later alone", () => {
	freshBoard();
	vi.useFakeTimers({ now: 20_001 * DAY * 1000 });
	new DeviceClock(Time, Preference).atLeast(20_000 * DAY);
	expect(set).toEqual([]);
});

it("takes the receiver's time from a welcome, and after a power cut starts from it rather than the older build date", () => {
	freshBoard();
	const clock = new DeviceClock(Time, Preference);
	clock.receiverSaid(20_100 * DAY * 1000 + 999);
	expect(set).toEqual([20_100 * DAY]);
	vi.useFakeTimers({ now: 0 }); // power cut: the ESP32's clock is back at 1970, the preferences are not
	new DeviceClock(Time, Preference).atLeast(20_000 * DAY);
	expect(set).toEqual([20_100 * DAY, 20_100 * DAY]);
});
