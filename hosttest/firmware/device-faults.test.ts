// A device that restarts in the middle of streaming (a power cut, a watchdog): the same board boots the
// unchanged firmware again, and the stream is back on the first connection the new boot opens, with no
// failed attempt before it. On a device the old connection is left half-open, which the receiver's
// takeover of the same id replaces (hosttest/server/ingest.test.ts, "takeover").

import { afterEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let devices: Device[] = [];
let receiver: TestReceiver;
afterEach(async () => {
	for (const device of devices) device.close();
	devices = [];
	await receiver.close();
});

it("streams again after a restart mid-stream on the first connection of the new boot, with no retry", async () => {
	const lines: string[] = [];
	receiver = new TestReceiver();
	const board = deviceBoard({ port: await receiver.listen(), trace: (text) => lines.push(text) });
	const before = (await boot(board))!;
	await receiver.until(() => receiver.frames.length >= 3);
	// 1. the power goes: everything the old firmware ran stops, and the board boots again
	before.close();
	const booted = lines.length;
	const after = (await boot(board))!;
	devices.push(after);
	// 2. the new boot streams on its first connection
	await receiver.until(() => receiver.frames.some((frame) => frame.connection === 2));
	expect(after.session.reconnects).toBe(0);
	expect(lines.slice(booted).filter((line) => line.includes("retry in"))).toEqual([]);
	expect(receiver.connections).toBe(2);
});
