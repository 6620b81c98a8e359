// Starts the unchanged firmware (src/main.ts) on a simulated board, as a device boots: a fresh module
// graph each time, so mc/config is read again from the board.

import { vi } from "vitest";
import type { Board } from "../host/board";
import type { Device } from "../../src/app/device";

export async function boot(board: Board): Promise<Device | undefined> {
	vi.resetModules();
	const { installBoard } = await import("../host/board");
	installBoard(board);
	await import("../host/globals");
	const { default: main } = await import("../../src/main");
	return main();
}
