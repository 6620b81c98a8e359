// embedded:storage/flash (modules/io/flash; typings/embedded/storage/flash.d.ts in the SDK): a flash
// partition by name; on the ESP32 "running" and "nextota" name the OTA slots
// (modules/io/flash/esp32/flash-esp32.c), any other name a data partition; an unknown one throws
// "can't find partition". Only what xscam uses is declared.

declare module "embedded:storage/flash" {
	export interface FlashStatus {
		size: number;
		blockLength: number;
		blocks: number;
		writeAlign: number;
		eraseValue: number;
	}

	export class Flash {
		close(): void;
		status(): FlashStatus;
		readonly format: "buffer";
	}

	const FlashStorage: {
		open(options: { path: string; mode?: "r" | "r+" }): Flash;
	};
	export default FlashStorage;
}
