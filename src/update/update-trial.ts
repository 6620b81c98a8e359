// The first start of a new firmware is a trial. With the IDF's app rollback (our sdkconfig), the
// bootloader starts a freshly updated slot "pending verify", and if the firmware running there has not
// confirmed it by the next reset, boots the previous one. xscam confirms only once it is welcomed by a
// receiver, which proves the new build can join, connect, authenticate and stream; a build that cannot
// within TRIAL_MS rolls itself back. Whether this start is a trial is kept in preference across the
// restart (the version the device updated to), so the next start knows, and an old firmware running
// after a rollback can say why.

import type Preference from "preference";
import type Timer from "timer";
import type Boot from "xscam-boot";

const DOMAIN = "xscam";
const UPDATED_TO = "updatedTo";
/** How long a new firmware has to be welcomed before it gives way to the previous one. */
export const TRIAL_MS = 10 * 60_000;

export interface TrialIO {
	Preference: typeof Preference;
	Timer: typeof Timer;
	Boot: typeof Boot;
}

export class UpdateTrial {
	readonly #io: TrialIO;
	readonly #log: (line: string) => void;
	#timer: ReturnType<typeof Timer.set> | undefined;
	#confirmed = false;

	/** Looks at what the last update left: a trial of `running`, or the trace of one that did not take. */
	constructor(io: TrialIO, running: string, log: (line: string) => void) {
		this.#io = io;
		this.#log = log;
		const updatedTo = io.Preference.get(DOMAIN, UPDATED_TO);
		if (updatedTo === undefined) return;
		if (updatedTo !== running) {
			log("the update to " + updatedTo + " did not take: running " + running + " again");
			io.Preference.delete(DOMAIN, UPDATED_TO);
			return;
		}
		log("firmware " + running + " on trial: it must reach the receiver within " + TRIAL_MS / 60_000 + " min or the device goes back to the previous one");
		this.#timer = io.Timer.set(() => {
			this.#timer = undefined;
			log("firmware " + running + " was not welcomed within " + TRIAL_MS / 60_000 + " min: going back to the previous one");
			io.Preference.delete(DOMAIN, UPDATED_TO);
			if (!io.Boot.rollback()) log("no previous firmware to go back to: keeping " + running);
		}, TRIAL_MS);
	}

	/** Before the restart into a verified update: its start will be a trial. */
	static begin(preference: typeof Preference, version: string): void {
		preference.set(DOMAIN, UPDATED_TO, version);
	}

	/** A receiver welcomed the device: the running firmware works, and stays. */
	welcomed(): void {
		if (this.#confirmed) return;
		this.#confirmed = true;
		this.#io.Boot.confirm(); // also on a start that was no trial: confirming a confirmed slot changes nothing
		if (this.#timer === undefined) return;
		this.#io.Timer.clear(this.#timer);
		this.#timer = undefined;
		this.#io.Preference.delete(DOMAIN, UPDATED_TO);
		this.#log("firmware confirmed: it reached the receiver");
	}
}
