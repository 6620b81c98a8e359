// One restart, announced: the log says why, and the answer that announced it (a control result, an
// update's status, the setup page's "saved") has RESTART_DELAY_MS to leave first. Asking again while
// it waits does nothing.

import type Timer from "timer";
import type Boot from "xscam-boot";

const RESTART_DELAY_MS = 500;

export function restarter(io: { Timer: typeof Timer; Boot: typeof Boot }, log: (line: string) => void): (why: string) => void {
	let restarting = false;
	return (why) => {
		if (restarting) return;
		restarting = true;
		log("restarting: " + why);
		io.Timer.set(() => io.Boot.restart(), RESTART_DELAY_MS);
	};
}
