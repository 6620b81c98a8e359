// The unchanged firmware (src/main.ts) on the Node host: it joins the simulated access point, connects
// to a receiver over a real loopback socket, and the JPEG bytes that arrive are the camera's own.

import { afterEach, expect, it } from "vitest";
import type { Device } from "../../src/device";
import { createNodeBoard } from "../host/node-board";
import { frameNumberOf, markedJpeg } from "../host/marked-jpeg";
import { boot } from "./boot";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
const receiver = new TestReceiver();

afterEach(async () => {
	device?.close();
	await receiver.close();
});

it("streams the camera's JPEG bytes, unchanged, to a decoder over loopback", async () => {
	const port = await receiver.listen();
	const captured = new Map<number, Uint8Array>();
	const board = createNodeBoard({
		config: {
			manifest: { ssid: "home", password: "correct horse", server: "127.0.0.1", id: "cam-1", frameSize: "QVGA", frameRate: 30, board: "esp32cam" },
			commandLine: { port: String(port) },
		},
		accessPoints: [{ ssid: "home", password: "correct horse" }],
		radio: { associateDelay: 5, dhcpDelay: 5 },
		sensor: {
			fps: () => 60,
			capture: (width, height, frameNumber) => {
				const jpeg = markedJpeg(frameNumber, width, height);
				captured.set(frameNumber, jpeg);
				return jpeg;
			},
		},
		trace: (t) => process.stderr.write(t),
	});
	device = await boot(board);
	await receiver.until(() => receiver.frames.length >= 20);

	const hello = receiver.messages.find((message) => message.type === "hello");
	expect(hello).toMatchObject({ id: "cam-1", board: "esp32cam", sensor: "OV2640", width: 320, height: 240 });
	for (const frame of receiver.frames) {
		expect(frame.jpeg).toEqual(captured.get(frameNumberOf(frame.jpeg)));
		expect([frame.width, frame.height]).toEqual([320, 240]);
	}
	const numbers = receiver.frames.map((frame) => frameNumberOf(frame.jpeg));
	expect(numbers).toEqual([...numbers].sort((a, b) => a - b)); // in capture order
	expect(receiver.frames.map((frame) => frame.seq)).toEqual(receiver.frames.map((_, i) => i));
});
