// A bad config value stops the firmware in XS as on the device: main() traces one line naming the key
// and what it must be, and nothing starts (no camera, no Wi-Fi, no connection, no timer).

import { afterEach, expect, it } from "vitest";
import { bootRig, FRAME_INTERVAL, RECEIVER } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import type { XsDevice } from "./xs-device";

let device: XsDevice | undefined;

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	expect(stderr ?? "").toBe("");
});

it.each([
	// as `mcconfig … port=70000` gives it: a string
	{ config: { commandLine: { port: "70000" } }, line: "xscam: config: port must be an integer 1..65535, got \"70000\"\n" },
	{ config: { manifest: { frameSize: "4K" } }, line: "xscam: config: frameSize must be one of " },
])("stops with one line on a bad value: $line", async ({ config, line }) => {
	const receiver = new DecoderReceiver(RECEIVER);
	device = (await bootRig({ network: receiver, ...config })).device;
	await device.run(2000, FRAME_INTERVAL);

	expect(device.trace.startsWith(line)).toBe(true);
	expect(device.trace.split("\n")).toHaveLength(2); // one line, then nothing
	expect(receiver.connections).toBe(0);
	expect(await device.report()).toMatchObject({ running: false, timers: 0, cameraCounts: { captured: 0 } });
});
