// Starts the unchanged firmware (src/main.ts) on a simulated board, as a device boots: a fresh module
// graph each time, so mc/config is read again from the board.

import { vi } from "vitest";
import type { Board } from "../host/board";
import type { Device } from "../../src/app/device";
import type { SetupMode } from "../../src/setup/setup-mode";

/** What main() started: the streaming device, setup mode, or nothing (a config error). */
export async function start(board: Board): Promise<Device | SetupMode | undefined> {
	vi.resetModules();
	const { installBoard } = await import("../host/board");
	installBoard(board);
	await import("../host/globals");
	const { default: main } = await import("../../src/main");
	return main();
}

/** Starts a camera that is expected to stream (not to open its setup access point). */
export async function boot(board: Board): Promise<Device | undefined> {
	const started = await start(board);
	if (started && "accessPoint" in started) throw new Error("boot: the firmware opened its setup access point " + started.accessPoint);
	return started;
}
