// One simulated camera in a worker thread: the unchanged firmware (src/main.ts) on a Node board whose
// sensor renders the moving test pattern. Each thread has its own module graph, so its own mc/config,
// camera and sockets, as a separate device would. The parent (scripts/simulate.ts) passes the config
// and gets the firmware's trace lines back; "stop" closes the device and ends the thread.

import { parentPort, workerData } from "node:worker_threads";
import "./register.ts";
import { installBoard } from "./board.ts";
import { createNodeBoard } from "./node-board.ts";

export interface DeviceThreadData {
	/** mcconfig-style key=value settings: strings, as the command line gives them. */
	config: { [key: string]: string };
	/** The access point the simulated camera joins. */
	ssid: string;
	password: string;
	/** Frames per second the simulated sensor captures. */
	sensorFps: number;
}

const data = workerData as DeviceThreadData;
const port = parentPort!;
let line = "";
installBoard(createNodeBoard({
	config: { manifest: { board: "simulated" }, commandLine: data.config },
	accessPoints: [{ ssid: data.ssid, password: data.password, rssi: -58 }],
	radio: { associateDelay: 50, dhcpDelay: 50 },
	sensor: { fps: () => data.sensorFps },
	freeMemory: 3_500_000,
	trace: (text) => { // trace() writes pieces; the parent gets whole lines
		line += text;
		for (let end = line.indexOf("\n"); end >= 0; end = line.indexOf("\n")) {
			port.postMessage({ trace: line.slice(0, end) });
			line = line.slice(end + 1);
		}
	},
}));
await import("./globals.ts");
const { default: main } = await import("../../src/main.ts");
const device = main();
port.postMessage({ started: device !== undefined });
port.on("message", (message) => {
	if (message !== "stop") return;
	device?.close();
	port.close();
});
