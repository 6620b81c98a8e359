// The boards xscam builds for: one table, read by `npm run flash -- --board <name>` (scripts/flash.ts)
// and by the tests that hold the manifest's board selection (modules/boards/manifest.json), the sensor
// descriptions and README.md's "Boards" table to it. Where the SDK has a target for a board, xscam
// builds on it (`-p esp32/<target>`: its pins, sdkconfig and partitions, build/devices/esp32/targets/
// in the SDK); only a board without one has a profile of ours (modules/boards/<name>/, `-p esp32`).

export interface BoardProfile {
	/** `--board <name>`, and the `board` the firmware reports to the receiver. */
	readonly name: string;
	/** What mcconfig builds on: `-p <platform>`. */
	readonly platform: string;
	readonly title: string;
	readonly chip: "ESP32" | "ESP32-S3";
	/** The sensor it ships with, as esp32-camera names it (the camera's identification). */
	readonly sensor: string;
	readonly psram: string;
	/** The LED a board has for software, or why none. */
	readonly led: string;
}

export const DEFAULT_BOARD = "esp32cam";

export const BOARDS: readonly BoardProfile[] = [
	{
		name: "esp32cam", platform: "esp32", title: "AI-Thinker ESP32-CAM", chip: "ESP32", sensor: "OV2640",
		psram: "4 MB (modules/boards/esp32cam/sdkconfig)", led: "GPIO 4 (white flash LED), GPIO 33 (red)",
	},
	{
		// build/devices/esp32/targets/xiao_esp32s3_sense: config.led_pin 21; OV2640 per documentation/devices/esp32.md
		name: "xiao_esp32s3_sense", platform: "esp32/xiao_esp32s3_sense", title: "Seeed Studio XIAO ESP32S3 Sense", chip: "ESP32-S3",
		sensor: "OV2640", psram: "8 MB octal (the SDK target's sdkconfig)", led: "GPIO 21 (the SDK target's led_pin)",
	},
	{
		// build/devices/esp32/targets/m5atom_s3r_m12; OV3660 per examples/io/imagein/readme.md
		name: "m5atom_s3r_m12", platform: "esp32/m5atom_s3r_m12", title: "M5Stack AtomS3R-M12", chip: "ESP32-S3",
		sensor: "OV3660", psram: "8 MB octal (the SDK target's sdkconfig)", led: "none in the SDK target (GPIO 47 is an IR LED)",
	},
	{
		// build/devices/esp32/targets/lilygo_t_camera_plus_s3; OV2640 per documentation/devices/esp32.md
		name: "lilygo_t_camera_plus_s3", platform: "esp32/lilygo_t_camera_plus_s3", title: "LilyGO T-Camera Plus S3", chip: "ESP32-S3",
		sensor: "OV2640", psram: "quad, its size found at boot (the SDK target's sdkconfig)", led: "none in the SDK target",
	},
];

/** One line naming the boards, for errors. */
export function boardNames(): string {
	return BOARDS.map((board) => board.name).join(", ");
}

/**
 * Takes `--board <name>` (or `--board=<name>`) out of flash's arguments: the board, and the arguments
 * left for mcconfig. Without it, the AI-Thinker ESP32-CAM. Throws one line naming the boards when
 * the name is missing or not one of them.
 */
export function pickBoard(args: readonly string[]): { board: BoardProfile; rest: string[] } {
	const rest: string[] = [];
	let name: string | undefined;
	for (let i = 0; i < args.length; i++) {
		const arg = args[i];
		if (arg === "--board" || arg.startsWith("--board=")) {
			name = arg === "--board" ? args[++i] : arg.slice("--board=".length);
			if (!name || name.startsWith("-")) throw new Error("--board needs a name: one of " + boardNames());
		}
		else rest.push(arg);
	}
	name ??= DEFAULT_BOARD;
	const board = BOARDS.find((candidate) => candidate.name === name);
	if (!board) throw new Error("unknown board " + JSON.stringify(name) + ": one of " + boardNames());
	return { board, rest };
}
