// Moving a camera from the receiver (src/app/network-move.ts), through the real connection and the
// unchanged firmware: a move is answered "pending", tried, and kept only once the new receiver welcomes
// the camera; one that fails goes back to the old receiver; what a move saved survives a restart and
// wins over the manifest until a "networkFrom": "manifest" move resets it. Moves are checked with the
// manifest's rules, and a Wi-Fi password is refused over a session in clear text.

import { createServer } from "node:net";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { MOVE_ATTEMPTS } from "../../src/app/network-move";
import { encode } from "../../src/protocol/encoder";
import type { ControlResult } from "../../src/protocol/types";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let home: TestReceiver;
let other: TestReceiver;

beforeEach(async () => {
	home = new TestReceiver();
	other = new TestReceiver();
	await home.listen();
	await other.listen();
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await home.close();
	await other.close();
});

async function control(receiver: TestReceiver, requestId: number, settings: { [key: string]: number | string }): Promise<ControlResult> {
	receiver.send(receiver.connections, encode({ type: "control", requestId, settings }));
	const answered = () => receiver.messages.find((message): message is ControlResult => message.type === "controlResult" && message.requestId === requestId);
	await receiver.until(() => answered() !== undefined);
	return answered()!;
}

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	const { port } = server.address() as { port: number };
	await new Promise((resolve) => server.close(resolve));
	return port;
}

const framesOn = (receiver: TestReceiver, connection: number) => receiver.frames.filter((frame) => frame.connection === connection).length;

it("goes back to the old receiver and streams again when nothing listens where it was moved, and says why", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: home.port, trace: (text) => lines.push(text) });
	device = await boot(board);
	await home.until(() => home.frames.length >= 1);
	const port = await deadPort();

	// 1. the move is answered before the camera leaves: pending, to be tried
	expect(await control(home, 1, { port })).toEqual({ type: "controlResult", requestId: 1, applied: {}, pending: { port }, refused: {} });
	// 2. it fails MOVE_ATTEMPTS times at the dead port, 3. comes back here and streams on a new connection
	await home.until(() => framesOn(home, 2) >= 3);
	expect(lines.filter((line) => line.startsWith("xscam: 127.0.0.1:" + port + ": cannot connect; retry in"))).toHaveLength(MOVE_ATTEMPTS);
	expect(lines).toContainEqual(expect.stringMatching(new RegExp("^xscam: move to 127\\.0\\.0\\.1:" + port + " over \"home\" failed \\(.*cannot connect.*\\); back to 127\\.0\\.0\\.1:" + home.port)));
	expect(board.preferences.get("xscamNet")?.size ?? 0).toBe(0); // nothing saved
});

it("keeps a move to a receiver that welcomes it, across a restart, until a reset returns it to the manifest's", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: home.port, trace: (text) => lines.push(text) });
	device = await boot(board);
	await home.until(() => home.frames.length >= 1);

	expect((await control(home, 1, { server: "localhost", port: other.port })).pending).toEqual({ server: "localhost", port: other.port });
	await other.until(() => other.frames.length >= 3);
	expect(lines).toContainEqual("xscam: moved to localhost:" + other.port + " over \"home\"; saved\n");

	// 1. a restart of the firmware on the same board: the saved settings win over the manifest's
	device!.close();
	device = await boot(board);
	await other.until(() => framesOn(other, 2) >= 3);
	expect(home.connections).toBe(1);

	// 2. the reset is a move too: back to the manifest's receiver, the saved settings forgotten once welcomed there
	expect((await control(other, 2, { networkFrom: "manifest" })).pending).toEqual({ networkFrom: "manifest" });
	await home.until(() => framesOn(home, 2) >= 3);
	device!.close();
	device = await boot(board);
	await home.until(() => framesOn(home, 3) >= 1);
	expect(other.connections).toBe(2);
	expect(board.preferences.get("xscamNet")?.size).toBe(0);
});

it("refuses a move the manifest's rules refuse, naming the key, and stays where it is", async () => {
	device = await boot(deviceBoard({ port: home.port }));
	await home.until(() => home.frames.length >= 1);
	expect(await control(home, 1, { server: "not_a_host", port: 8700 })).toEqual({
		type: "controlResult", requestId: 1, applied: {}, pending: {},
		refused: { server: "must be the receiver's host name or IPv4 address, or a list of up to 4 of them, each with :port where it is not `port` (a:8700,b:8701), got \"not_a_host\"", port: "not moved: server was refused" },
	});
	expect((await control(home, 2, { port: 0 })).refused).toEqual({ port: "must be an integer from 1 to 65535" });
	expect((await control(home, 3, { networkFrom: "manifest", port: 8700 })).refused).toEqual({
		networkFrom: "goes alone, without other network settings", port: "not moved: networkFrom was refused",
	});
	const before = home.frames.length;
	await home.until(() => home.frames.length >= before + 3);
	expect(home.connections).toBe(1);
});

it("refuses a Wi-Fi password over a session in clear text, and never shows it back", async () => {
	const lines: string[] = [];
	device = await boot(deviceBoard({ port: home.port, trace: (text) => lines.push(text) }));
	await home.until(() => home.frames.length >= 1);
	const result = await control(home, 1, { ssid: "office", password: "hunter2hunter2" });
	expect(result.refused).toEqual({
		password: "is taken only over TLS; this camera's session is clear text", ssid: "not moved: password was refused",
	});
	expect(JSON.stringify(result)).not.toContain("hunter2");
	expect(lines.join("")).not.toContain("hunter2");
});

it("forgets saved settings that the manifest's rules no longer take, and starts with the manifest's", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: home.port, trace: (text) => lines.push(text) });
	board.preferences.set("xscamNet", new Map<string, string | number>([["server", "bad host"], ["port", other.port]]));
	device = await boot(board);
	await home.until(() => home.frames.length >= 1);
	expect(lines[0]).toBe("xscam: forgot the saved network settings: config: server must be the receiver's host name or IPv4 address, or a list of up to 4 of them, each with :port where it is not `port` (a:8700,b:8701), got \"bad host\"\n");
	expect(board.preferences.get("xscamNet")?.size).toBe(0);
	expect(other.connections).toBe(0);
});

it("stays moved, and says so, when its NVS cannot take the settings", async () => {
	const lines: string[] = [];
	const board = deviceBoard({ port: home.port, trace: (text) => lines.push(text) });
	class FullNvs extends Map<string, string | number> {
		override set(): this {
			throw new Error("nvs set fail"); // what modPreference.c throws when nvs_set_* fails
		}
	}
	board.preferences.set("xscamNet", new FullNvs());
	device = await boot(board);
	await home.until(() => home.frames.length >= 1);
	await control(home, 1, { port: other.port });
	await other.until(() => other.frames.length >= 3);
	expect(lines).toContainEqual("xscam: moved to 127.0.0.1:" + other.port + " over \"home\", but cannot save it (nvs set fail): the next start uses the old settings\n");
});
