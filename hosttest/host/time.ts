// time (the SDK's Time): set() sets the real-time clock, in seconds since the epoch. The board keeps
// the date if it has a clock to set (the Node board reports it: Node's own clock cannot be set).

import type DeviceTime from "time";
import { board } from "./board";

const Time = {
	set(seconds: number): void {
		const setDate = board().setDate;
		if (!setDate) throw new Error("Time.set: this board has no clock to set");
		setDate(seconds * 1000);
	},
} satisfies Pick<typeof DeviceTime, "set">;

export default Time as typeof DeviceTime;
