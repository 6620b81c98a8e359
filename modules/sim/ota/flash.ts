// embedded:storage/flash for the SDK's lin simulator, which has none: the two OTA slot names only
// ("nextota", "running"; modules/io/flash/esp32/flash-esp32.c), sized as the ESP32-CAM's, so an update
// runs through the firmware as on the device (ota/update.ts keeps nothing of it).

const SLOT_BYTES = 0x1f0000;

class Flash {
	readonly readOnly: boolean;
	readonly running: boolean;

	constructor(running: boolean, readOnly: boolean) {
		this.running = running;
		this.readOnly = readOnly;
	}

	get format(): "buffer" {
		return "buffer";
	}

	status() {
		return { size: SLOT_BYTES, blockLength: 4096, blocks: SLOT_BYTES / 4096, writeAlign: 1, eraseValue: 0xff };
	}

	close(): void {}
}

export default {
	open(options: { path: string; mode?: "r" | "r+" }): Flash {
		if (options.path !== "nextota" && options.path !== "running") throw new Error("can't find partition");
		return new Flash(options.path === "running", options.mode === "r");
	},
};
