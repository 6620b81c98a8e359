// A camera given a list of receivers (`server=a:8700,b:8701`) tries them in turn: when one refuses or
// goes away it moves to the next, after the backoff it has, and back again when that one fails.

import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { readSettings } from "../../src/app/settings";
import { boot } from "./boot";
import { deviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let first: TestReceiver;
let second: TestReceiver;

beforeEach(() => {
	first = new TestReceiver();
	second = new TestReceiver();
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await first.close();
	await second.close();
});

/** A port nothing listens on: the first receiver, down when the camera starts. */
async function deadPort(): Promise<number> {
	const port = await first.listen();
	await first.close();
	return port;
}

it("streams to the second receiver while the first refuses, and back to the first when the second goes away", async () => {
	const firstPort = await deadPort();
	const secondPort = await second.listen();
	const lines: string[] = [];
	const board = deviceBoard({ port: 8700, manifest: { server: "127.0.0.1:" + firstPort + ",localhost:" + secondPort }, trace: (text) => lines.push(text) });
	device = await boot(board);
	await second.until(() => second.frames.length >= 3);
	expect(lines).toContain("xscam: 127.0.0.1:" + firstPort + ": cannot connect; retry in " + lines.find((line) => line.includes("cannot connect"))!.split("retry in ")[1]);
	expect(lines).toContain("xscam: streaming to localhost:" + secondPort + "\n");

	await first.listen(firstPort);
	await second.close();
	await first.until(() => first.frames.length >= 3);
	expect(lines).toContain("xscam: streaming to 127.0.0.1:" + firstPort + "\n");
}, 60_000); // two reconnections with backoff in real time

it("takes up to 4 receivers, each with its own port or the `port` setting's, and names a bad one", () => {
	const base = { ssid: "home", password: "", port: 8700, id: "cam-1", frameSize: "VGA", frameRate: 10 };
	expect(readSettings({ ...base, server: "a.local,10.0.0.2:8701" }).receivers).toEqual([{ server: "a.local", port: 8700 }, { server: "10.0.0.2", port: 8701 }]);
	expect(readSettings({ ...base, server: "receiver" }).receivers).toEqual([{ server: "receiver", port: 8700 }]);
	for (const server of ["a,b,c,d,e", "a,", "a:0", "a:65536", "a:port", "a:8700:1", "http://a"]) {
		expect(() => readSettings({ ...base, server }), server).toThrow("config: server must be the receiver's host name or IPv4 address, or a list of up to 4 of them");
	}
});
