// A simulated device, a whole camera seen from outside: the firmware running in its own worker thread
// (device-thread.ts) on a Node board, streaming over real TCP to any receiver. Like a board, it keeps
// its flash (preferences, OTA slots) across a restart the firmware asks for: the thread ends, the
// bootloader's rules pick the slot to boot (firmware-slots.ts), and a new thread runs that slot's image.
// Used by `npm start` (scripts/simulate.ts) and by the end-to-end tests.

import { Worker } from "node:worker_threads";
import type { DeviceThreadData, DeviceThreadMessage } from "./device-thread.ts";
import { flashedSlots, reset } from "./firmware-slots.ts";

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
	/** The firmware restarted (an update, the restart control); `boots` counts the starts so far. */
	onRestart?: (boots: number) => void;
}

// Workers do not inherit the TypeScript loader, so each one registers it before it loads the thread.
const THREAD = new URL("./device-thread.ts", import.meta.url).href;
const BOOT = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(THREAD)}); })`;

export class SimulatedDevice {
	readonly id: string;
	/** Starts of the firmware: 1, and one more per restart. */
	boots = 0;
	readonly #options: SimulatedDeviceOptions;
	#worker!: Worker;
	#exited!: Promise<void>;
	#stopping = false;

	constructor(options: SimulatedDeviceOptions) {
		this.id = options.id;
		this.#options = options;
		this.#boot({ preferences: new Map(), firmware: flashedSlots() });
	}

	#boot(flash: NonNullable<DeviceThreadMessage["restart"]>): void {
		const options = this.#options;
		const slot = reset(flash.firmware);
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
			...flash,
			image: slot.image,
		};
		this.boots++;
		const worker = this.#worker = new Worker(BOOT, { eval: true, workerData: data });
		worker.on("message", (message: DeviceThreadMessage) => {
			if (message.trace !== undefined) options.onTrace?.(message.trace);
			if (message.restart !== undefined && !this.#stopping) {
				this.#boot(message.restart);
				options.onRestart?.(this.boots);
			}
		});
		this.#exited = new Promise((resolve, reject) => {
			worker.once("error", reject);
			worker.once("exit", () => resolve());
		});
	}

	/**
	 * Closes the device (its socket, its timers) and waits for its thread to end, which it does by itself
	 * once nothing of the device is left; a thread still alive after `grace` ms is terminated.
	 */
	async stop(grace = 2000): Promise<void> {
		this.#stopping = true;
		this.#worker.postMessage("stop");
		const timer = setTimeout(() => void this.#worker.terminate(), grace);
		await this.#exited;
		clearTimeout(timer);
	}
}
