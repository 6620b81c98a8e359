// embedded:storage/flash on the board, for the OTA slots only (modules/io/flash/esp32/flash-esp32.c):
// "nextota" is the slot that is not running, "running" the one that is; any other name throws the
// SDK's "can't find partition", as does a board without slots (a build without OTA partitions). Mode
// "r" or "r+" (the default). status() gives the slot's size; the update module (update.ts) writes.

import { board } from "./board";
import type { FirmwareSlots } from "./firmware-slots";

export interface OpenSlot {
	readonly firmware: FirmwareSlots;
	readonly path: "nextota" | "running";
	readonly readOnly: boolean;
	closed: boolean;
}

/** What each Flash instance opened; the update module reads it, as the SDK's C reads the host chunk. */
export const SLOTS = new WeakMap<object, OpenSlot>();

class Flash {
	constructor(slot: OpenSlot) {
		SLOTS.set(this, slot);
	}

	get format(): "buffer" {
		return "buffer";
	}

	status(): { size: number; blockLength: number; blocks: number; writeAlign: number; eraseValue: number } {
		const slot = SLOTS.get(this)!;
		if (slot.closed) throw new Error("closed");
		const blockLength = 4096;
		return { size: slot.firmware.size, blockLength, blocks: Math.floor(slot.firmware.size / blockLength), writeAlign: 1, eraseValue: 0xff };
	}

	close(): void {
		SLOTS.get(this)!.closed = true;
	}
}

const FlashStorage = {
	open(options: { path: string; mode?: "r" | "r+" }): Flash {
		if (typeof options?.path !== "string") throw new Error("no path");
		const { firmware } = board();
		const { path, mode } = options;
		if (firmware === undefined || (path !== "nextota" && path !== "running")) throw new Error("can't find partition");
		if (mode !== undefined && mode !== "r" && mode !== "r+") throw new Error("invalid mode");
		return new Flash({ firmware, path, readOnly: mode === "r", closed: false });
	},
};

export default FlashStorage;
