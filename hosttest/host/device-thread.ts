// One simulated camera in a worker thread: the firmware on a Node board whose sensor renders the moving
// test pattern. Each thread has its own module graph, so its own mc/config, camera and sockets, as a
// separate device would. The parent (simulated-device.ts) passes the config, the board's flash (its
// preferences and OTA slots) and the image to run: none for the firmware it was flashed with (src/,
// unchanged), or an update's image (an ES module the host's loader links, scripts/host-firmware.ts).
// It gets the firmware's trace lines back; "stop" closes the device and ends the thread; a restart the
// firmware asks for goes to the parent with the flash, and the parent boots a new thread.

import { parentPort, workerData } from "node:worker_threads";
import "./register.ts";
import { installBoard, type Board } from "./board.ts";
import type { FirmwareSlots } from "./firmware-slots.ts";
import { createNodeBoard } from "./node-board.ts";

export interface DeviceThreadData {
	/** mcconfig-style key=value settings: strings, as the command line gives them. */
	config: { [key: string]: string };
	/** The access point the simulated camera joins. */
	ssid: string;
	password: string;
	/** Frames per second the simulated sensor captures. */
	sensorFps: number;
	/** What the board keeps across restarts. */
	preferences: Board["preferences"];
	firmware: FirmwareSlots;
	/** The image in the slot the board booted; undefined: the firmware it was flashed with. */
	image: Uint8Array | undefined;
}

export interface DeviceThreadMessage {
	trace?: string;
	started?: boolean;
	/** The firmware asked for a restart: the board's flash, to boot again from. */
	restart?: { preferences: Board["preferences"]; firmware: FirmwareSlots };
}

const data = workerData as DeviceThreadData;
const port = parentPort!;
const post = (message: DeviceThreadMessage) => port.postMessage(message);
let line = "";
const board = createNodeBoard({
	config: { manifest: { board: "simulated" }, commandLine: data.config },
	accessPoints: [{ ssid: data.ssid, password: data.password, rssi: -58 }],
	radio: { associateDelay: 50, dhcpDelay: 50 },
	sensor: { fps: () => data.sensorFps },
	freeMemory: 3_500_000,
	firmware: data.firmware,
	trace: (text) => { // trace() writes pieces; the parent gets whole lines
		line += text;
		for (let end = line.indexOf("\n"); end >= 0; end = line.indexOf("\n")) {
			post({ trace: line.slice(0, end) });
			line = line.slice(end + 1);
		}
	},
	onRestart: () => {
		device?.close();
		post({ restart: { preferences: board.preferences, firmware: board.firmware! } });
		port.close();
	},
});
for (const [domain, values] of data.preferences) board.preferences.set(domain, values);
installBoard(board);
await import("./globals.ts");
const firmware = data.image === undefined
	? await import("../../src/main.ts")
	: await import("data:text/javascript;base64," + Buffer.from(data.image).toString("base64")) as typeof import("../../src/main.ts");
const device = firmware.default();
post({ started: device !== undefined });
port.on("message", (message) => {
	if (message !== "stop") return;
	device?.close();
	port.close();
});
