// embedded:update on the board (modules/io/update/esp32/update-esp32.c): open() takes a partition
// opened with embedded:storage/flash ("no partition", "partition not found", "read-only partition");
// append mode (the default) takes sequential writes, "w" mode writes at offsets; complete() ends the
// image and sets its slot to boot; close() before complete() aborts (the slot keeps nothing). As strict
// as the IDF where xscam could go wrong: a write past the slot fails ("write failed"), an empty image
// does not end ("end failed"), and anything after complete() is "already complete".

import { install } from "./firmware-slots";
import { SLOTS, type OpenSlot } from "./flash";

function bytesOf(buffer: unknown): Uint8Array {
	if (buffer instanceof ArrayBuffer) return new Uint8Array(buffer.slice(0));
	if (ArrayBuffer.isView(buffer)) return new Uint8Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));
	throw new TypeError("invalid buffer");
}

class Updater {
	readonly #slot: OpenSlot;
	readonly #append: boolean;
	#image: Uint8Array | undefined = new Uint8Array(0);
	#length = 0;

	constructor(slot: OpenSlot, append: boolean) {
		this.#slot = slot;
		this.#append = append;
	}

	get format(): "buffer" {
		return "buffer";
	}

	write(buffer: ArrayBufferLike | ArrayBufferView, byteOffset?: number): void {
		if (this.#image === undefined) throw new Error("already complete");
		if (this.#append && byteOffset !== undefined) throw new Error("offset not allowed");
		const bytes = bytesOf(buffer);
		const at = this.#append ? this.#length : byteOffset!;
		if (!(at >= 0 && at <= 0xffffffff)) throw new RangeError("invalid offset");
		const end = at + bytes.byteLength;
		if (end > this.#slot.firmware.size) throw new Error("write failed");
		if (end > this.#image.byteLength) {
			const grown = new Uint8Array(Math.max(end, this.#image.byteLength * 2));
			grown.set(this.#image.subarray(0, this.#length));
			this.#image = grown;
		}
		this.#image.set(bytes, at);
		this.#length = Math.max(this.#length, end);
	}

	complete(): void {
		const image = this.#image;
		if (image === undefined) throw new Error("already complete");
		this.#image = undefined;
		if (this.#length === 0) throw new Error("end failed");
		install(this.#slot.firmware, image.slice(0, this.#length));
	}

	close(): void {
		this.#image = undefined; // esp_ota_abort: nothing of it reaches a slot
	}
}

const Update = {
	open(options: { partition: object; mode?: "a" | "w"; byteLength?: number }): Updater {
		if (!options || !("partition" in options)) throw new Error("no partition");
		const slot = SLOTS.get(options.partition);
		if (slot === undefined || slot.closed) throw new Error("partition not found");
		if (slot.readOnly) throw new Error("read-only partition");
		const { mode, byteLength } = options;
		if (mode !== undefined && mode !== "a" && mode !== "w") throw new RangeError("invalid mode");
		if (byteLength !== undefined && !(byteLength >= 0 && byteLength <= slot.firmware.size)) throw new RangeError("invalid byteLength");
		if (slot.path === "running") throw new Error("begin failed"); // ESP_ERR_OTA_PARTITION_CONFLICT
		return new Updater(slot, mode !== "w");
	},
};

export default Update;
