// xscam-boot on the board (modules/typings/xscam-boot.d.ts): restart() hands the device to the board,
// which boots again from its slots (firmware-slots.ts reset()); confirm() and rollback() are the IDF's
// app-rollback calls on those slots. A board that cannot restart (a unit test's) records the request.

import { board } from "./board";
import { confirm, markInvalid } from "./firmware-slots";

function slots() {
	const { firmware } = board();
	if (firmware === undefined) throw new Error("this board has no OTA slots");
	return firmware;
}

const Boot = {
	restart(): void {
		board().restart();
	},
	confirm(): void {
		confirm(slots());
	},
	rollback(): boolean {
		if (!markInvalid(slots())) return false; // as the IDF's: nothing to go back to
		board().restart();
		return true;
	},
};

export default Boot;
