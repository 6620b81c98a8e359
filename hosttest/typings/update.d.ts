// embedded:update (modules/io/update; typings/embedded/update.d.ts in the SDK): writes a firmware image
// to an OTA partition opened with embedded:storage/flash. Append mode (the default) takes sequential
// writes; complete() ends the image (the IDF validates it) and sets that partition to boot; close()
// before complete() aborts the write. Errors are the SDK's: "already complete", "write failed",
// "end failed", RangeError "invalid byteLength".

declare module "embedded:update" {
	import type { Flash } from "embedded:storage/flash";

	export interface UpdateOpenOptions {
		partition: Flash;
		mode?: "a" | "w";
		byteLength?: number;
	}

	export interface Updater {
		close(): void;
		complete(): void;
		write(bytes: ArrayBufferLike | ArrayBufferView): void;
		write(bytes: ArrayBufferLike | ArrayBufferView, byteOffset: number): void;
		readonly format: "buffer";
	}

	const Update: {
		open(options: UpdateOpenOptions): Updater;
	};
	export default Update;
}
