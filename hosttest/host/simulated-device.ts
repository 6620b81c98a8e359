// A simulated device, a whole camera seen from outside: the unchanged firmware running in its own worker thread
// (device-thread.ts) on a Node board, streaming over real TCP to any receiver. Used by `npm start`
// (scripts/simulate.ts) and by the end-to-end tests.

import { Worker } from "node:worker_threads";
import type { DeviceThreadData } from "./device-thread.ts";

export interface SimulatedDeviceOptions {
	id: string;
	/** The receiver: a host name or IPv4 address, and its camera port. */
	server: string;
	port: number;
	/** The camera's key, 64 hex digits; absent: it does not authenticate. */
	key?: string;
	frameSize: string;
	frameRate: number;
	/** Each firmware trace line, without its newline. */
	onTrace?: (line: string) => void;
}

// Workers do not inherit the TypeScript loader, so each one registers it before it loads the thread.
const THREAD = new URL("./device-thread.ts", import.meta.url).href;
const BOOT = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD)}); })`;

export class SimulatedDevice {
	readonly id: string;
	readonly #worker: Worker;
	readonly #exited: Promise<void>;

	constructor(options: SimulatedDeviceOptions) {
		this.id = options.id;
		const data: DeviceThreadData = {
			// as `mcconfig … key=value` would give them: strings
			config: {
				ssid: "xscam-sim", password: "simulated", server: options.server, port: String(options.port), id: options.id,
				frameSize: options.frameSize, frameRate: String(options.frameRate), ...(options.key && { key: options.key }),
				flashLed: "4", // the ESP32-CAM's, so the page shows its LED controls (the host PWM records it)
			},
			ssid: "xscam-sim",
			password: "simulated",
			sensorFps: options.frameRate, // render only the frames the cap lets through
		};
		this.#worker = new Worker(BOOT, { eval: true, workerData: data });
		this.#worker.on("message", (message: { trace?: string }) => {
			if (message.trace !== undefined) options.onTrace?.(message.trace);
		});
		this.#exited = new Promise((resolve, reject) => {
			this.#worker.once("error", reject);
			this.#worker.once("exit", () => resolve());
		});
	}

	/**
	 * Closes the device (its socket, its timers) and waits for its thread to end, which it does by itself
	 * once nothing of the device is left; a thread still alive after `grace` ms is terminated.
	 */
	async stop(grace = 2000): Promise<void> {
		this.#worker.postMessage("stop");
		const timer = setTimeout(() => void this.#worker.terminate(), grace);
		await this.#exited;
		clearTimeout(timer);
	}
}
