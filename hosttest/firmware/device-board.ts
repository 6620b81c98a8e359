// A board for firmware tests: one access point the device knows, a receiver on loopback, and a sensor
// that makes marked JPEGs (hosttest/host/marked-jpeg.ts) at a chosen rate and size, remembering each.

import type { Board } from "../host/board";
import { markedJpeg } from "../host/marked-jpeg";
import { createNodeBoard, type NodeBoardOptions } from "../host/node-board";

export interface DeviceBoardOptions {
	port: number;
	/** The sensor's model (modules/sim/camera/sensor-models.ts); an OV2640 by default. */
	sensorModel?: string;
	/** Frames per second the sensor captures. */
	sensorFps?: number;
	/** Camera faults; the test may change them while the firmware runs. */
	cameraFaults?: { failsInit?: boolean; stalled?: boolean };
	/** Each JPEG is padded to at least this many bytes. */
	frameBytes?: number;
	frameRate?: number;
	frameSize?: string;
	manifest?: { [key: string]: unknown };
	radio?: NodeBoardOptions["radio"];
	/** Access points besides WIFI, the network the manifest names. */
	otherAccessPoints?: NodeBoardOptions["accessPoints"];
	trace?: (text: string) => void;
	onSetDate?: NodeBoardOptions["onSetDate"];
	/** The firmware asked for a restart (the test boots it again if it wants to). */
	onRestart?: NodeBoardOptions["onRestart"];
	/** Where the firmware's listeners listen on loopback (its setup page's port 80 needs root here). */
	listenOn?: NodeBoardOptions["listenOn"];
	onListening?: NodeBoardOptions["onListening"];
	network?: NodeBoardOptions["network"];
}

export interface DeviceBoard extends Board {
	/** Every JPEG the sensor made, by frame number. */
	captured: Map<number, Uint8Array>;
}

export const WIFI = { ssid: "home", password: "correct horse" };

export function deviceBoard(options: DeviceBoardOptions): DeviceBoard {
	const captured = new Map<number, Uint8Array>();
	const board = createNodeBoard({
		config: {
			manifest: {
				...WIFI, server: "127.0.0.1", id: "cam-1", frameSize: options.frameSize ?? "QVGA",
				frameRate: options.frameRate ?? 30, board: "esp32cam", ...options.manifest,
			},
			commandLine: { port: String(options.port) }, // as `mcconfig … port=8700` gives it: a string
		},
		accessPoints: [WIFI, ...(options.otherAccessPoints ?? [])],
		radio: options.radio ?? { associateDelay: 5, dhcpDelay: 5 },
		sensor: {
			model: options.sensorModel,
			faults: options.cameraFaults,
			fps: () => options.sensorFps ?? 60,
			capture: (width, height, frameNumber) => {
				const jpeg = markedJpeg(frameNumber, width, height, options.frameBytes);
				captured.set(frameNumber, jpeg);
				return jpeg;
			},
		},
		freeMemory: 180_000,
		trace: options.trace ?? (() => {}),
		onSetDate: options.onSetDate,
		onRestart: options.onRestart ?? (() => {}),
		listenOn: options.listenOn,
		onListening: options.onListening,
		network: options.network,
	});
	return Object.assign(board, { captured });
}
