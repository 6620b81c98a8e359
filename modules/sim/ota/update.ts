// embedded:update for the SDK's lin simulator, which has none (modules/io/update has esp32 and mac
// only): it counts what is written to the slot and, on complete(), traces that the simulator cannot
// boot it. The firmware's side of an update (checks, digest, restart) runs unchanged.

class Updater {
	#written = 0;
	#done = false;

	get format(): "buffer" {
		return "buffer";
	}

	write(bytes: ArrayBufferLike | ArrayBufferView): void {
		if (this.#done) throw new Error("already complete");
		this.#written += bytes.byteLength;
	}

	complete(): void {
		if (this.#done) throw new Error("already complete");
		this.#done = true;
		if (this.#written === 0) throw new Error("end failed");
		trace("simulator: an image of " + this.#written + " bytes was written; the simulator cannot boot it\n");
	}

	close(): void {
		this.#done = true;
	}
}

export default {
	open(options: { partition: { readOnly: boolean; running: boolean } }): Updater {
		if (!options?.partition) throw new Error("no partition");
		if (options.partition.readOnly) throw new Error("read-only partition");
		if (options.partition.running) throw new Error("begin failed");
		return new Updater();
	},
};
