// instrumentation on the simulated board (modules/base/instrumentation; reference/moddable-sdk.md §6.4).
// Only "System Free Memory" has a value here; a board without one acts as a release build, where every
// function returns undefined.

import type DeviceInstrumentation from "instrumentation";
import { board } from "./board";

const NAMES = ["System Free Memory"];

const Instrumentation = {
	get(index: number | undefined): number | undefined {
		return index === 0 ? board().freeMemory() : undefined;
	},
	map(name: string): number | undefined {
		if (board().freeMemory() === undefined) return undefined;
		const index = NAMES.indexOf(name);
		return index < 0 ? undefined : index;
	},
	name(index: number): string | undefined {
		return board().freeMemory() === undefined ? undefined : NAMES[index];
	},
};

export default Instrumentation satisfies typeof DeviceInstrumentation;
