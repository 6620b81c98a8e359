// A simulated board on Node: real sockets (node:net), real DNS, Node's timers (which vitest can fake),
// a sensor that makes real JPEGs, and a radio whose access points the caller controls.

import { createHash } from "node:crypto";
import { lookup } from "node:dns";
import { existsSync, readFileSync } from "node:fs";
import { Socket } from "node:net";
import { sensorModel } from "../../modules/sim/camera/sensor-models";
import { newCameraCounts, newSensorRegisters, type Board, type ConfigSource, type Network, type Sensor, type WireEvents } from "./board";
import { Radio, type AccessPointOptions, type RadioOptions } from "./radio";
import { renderTestPattern } from "./test-pattern";

export interface NodeBoardOptions {
	config: ConfigSource;
	accessPoints?: AccessPointOptions[];
	radio?: RadioOptions;
	/** The sensor's frames; an OV2640 making a moving test pattern by default. */
	sensor?: Partial<Omit<Sensor, "registers">>;
	/** Free heap to report; undefined acts as a release build. */
	freeMemory?: number;
	/** Where the firmware's trace() goes; stdout by default. */
	trace?: (text: string) => void;
	/** Folders whose files are the app's resources; the lin simulator camera's frames by default. */
	resourceFolders?: URL[];
}

const SIM_FRAMES = new URL("../../modules/sim/camera/frames/", import.meta.url);

export function createNodeBoard(options: NodeBoardOptions): Board {
	const timers = {
		setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
		clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
	};
	const radio = new Radio(timers, options.radio);
	for (const accessPoint of options.accessPoints ?? []) radio.addAccessPoint(accessPoint);
	const id = String(options.config.commandLine.id ?? options.config.manifest.id ?? "camera");
	const model = options.sensor?.model ?? "OV2640";
	const sensor: Sensor = {
		model,
		fps: options.sensor?.fps ?? sensorModel(model).fps,
		registers: newSensorRegisters(),
		capture: options.sensor?.capture ??
			((width, height, frameNumber, time) => renderTestPattern({ width, height, cameraId: id, frameNumber, captureTime: time })),
	};
	return {
		now: () => Date.now(),
		...timers,
		defer: (callback) => queueMicrotask(callback), // later than the call, before other IO (fake timers leave it alone)
		trace: options.trace ?? ((text) => process.stdout.write(text)),
		config: options.config,
		radio,
		network: nodeNetwork,
		sensor,
		frames: {
			hold: (bytes) => bytes.slice().buffer,
			unchanged: (buffer, bytes) => Buffer.from(buffer).equals(bytes),
			detach: (buffer) => void structuredClone(buffer, { transfer: [buffer] }),
		},
		cameraCounts: newCameraCounts(),
		preferences: new Map(),
		freeMemory: () => options.freeMemory,
		digest: (name, bytes) => createHash(name.toLowerCase()).update(bytes).digest(),
		resource(path) {
			const file = (options.resourceFolders ?? [SIM_FRAMES]).map((folder) => new URL(path, folder)).find((url) => existsSync(url));
			return file && new Uint8Array(readFileSync(file));
		},
	};
}

const nodeNetwork: Network = {
	connect(address: string, port: number, events: WireEvents) {
		const socket = new Socket();
		let closed = false;
		const close = (error: boolean) => {
			if (closed) return;
			closed = true;
			events.onClosed(error);
		};
		socket.setNoDelay(true);
		socket.on("connect", () => events.onConnected());
		socket.on("data", (data: Buffer) => events.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
		socket.on("end", () => close(false));
		socket.on("error", () => close(true));
		socket.on("close", (hadError) => close(hadError));
		socket.connect(port, address);
		return {
			write: (bytes) => {
				const copy = Buffer.from(bytes); // the caller may reuse or detach its buffer at once
				socket.write(copy, (error) => {
					if (!error) events.onSent(copy.byteLength);
				});
			},
			setReceiving: (receiving) => void (receiving ? socket.resume() : socket.pause()),
			close: () => {
				closed = true; // the firmware closed it: no more events
				socket.destroy();
			},
		};
	},
	resolve(host, callback) {
		lookup(host, { family: 4 }, (error, address) => callback(error ? undefined : address));
	},
};
