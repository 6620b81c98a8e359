// xscam-boot for the SDK's lin simulator: it cannot restart itself or hold two firmware slots, so it
// says so; a restart asked for (an update, the restart control) needs the simulator restarted by hand.

export default {
	restart(): void {
		trace("simulator: the firmware asked for a restart; restart the simulator to start it again\n");
	},
	confirm(): void {},
	rollback(): boolean {
		return false; // one firmware only
	},
};
