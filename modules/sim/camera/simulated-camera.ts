// A simulated camera with the surface and the strictness of the SDK's ESP32 camera
// (modules/io/imagein/camera/esp32/camera.c; reference/moddable-sdk.md §1 and §9). Every host that is
// not a board uses it: the SDK's lin simulator (camera.ts here, frames from resources), the Node host
// and the XS engine on the host (hosttest/host/camera.ts, frames from the simulated board's sensor).
// - JPEG only (the simulated sensors make JPEGs); the size snaps to the driver's table, so it can
//   differ from the request; the constructor captures a first frame before it returns;
// - a pool of three frames: a frame is held while ready (unread) or read as disposable and not closed;
//   with all three held, captures are dropped and no onReadable is posted until a frame is closed;
// - onReadable(0), once per captured frame, only while started; read() returns the oldest ready frame;
// - disposable frames are read-only buffers with their own byteLength, `camera` and close(); close()
//   detaches the buffer and a second close() does nothing; stop() detaches every frame still held;
// - configure() and `configuration` play the sensor's driver (sensor-models.ts): its ranges, other keys
//   ignored silently, and the SDK's probe on first use, which turns the OV2640's auto white balance off.
// Its environment counts every capture, read and close, so tests can prove each frame was closed once.
// XS-portable: it runs in the SDK's simulator and in the XS engine as well as on Node.

import type { CameraOptions, DisposableFrame, SensorSettings } from "embedded:io/image/in/camera";
import { callback, closedError, copyTarget } from "../io-common";
import { sensorModel, snap, type SensorRegisters } from "./sensor-models";

/** What a simulated sensor puts in each frame, and the state its settings are in. */
export interface Sensor {
	/** A model of sensor-models.ts, or any other name (a sensor with nothing to configure). */
	readonly model: string;
	/** A sensor that captures one size only, whatever the camera asks for; otherwise the size snaps. */
	readonly size?: readonly [number, number];
	/** Frames per second the sensor delivers at this size. */
	fps(width: number, height: number): number;
	/** The JPEG of frame `frameNumber` (from 1), captured at `time` (ms). */
	capture(width: number, height: number, frameNumber: number, time: number): Uint8Array;
	readonly registers: SensorRegisters;
	/** Faults a test makes: `esp_camera_init` fails (wrong pins, no sensor), or the driver stops delivering frames. */
	readonly faults?: { failsInit?: boolean; stalled?: boolean };
}

/** A disposable frame's bytes, as the environment hands them out and takes them back. */
export interface FrameStore {
	/** A new buffer holding `bytes`, for the firmware to read. */
	hold(bytes: Uint8Array): ArrayBuffer;
	/** Whether `buffer` still holds exactly `bytes` (disposable frames are read-only on the device). */
	unchanged(buffer: ArrayBuffer, bytes: Uint8Array): boolean;
	/** Detaches `buffer`, as frame.close() does on the device: views over it become empty. */
	detach(buffer: ArrayBuffer): void;
}

/** What the camera counts, so tests can prove every frame was closed exactly once. */
export interface CameraCounts {
	captured: number;
	/** Captures dropped because all three pool slots were held. */
	poolFull: number;
	read: number;
	closed: number;
	/** close() on a frame already closed: a no-op on the device, a firmware bug all the same. */
	closedTwice: number;
	/** Frames the firmware wrote into (caught when they are closed). */
	written: number;
}

export function newCameraCounts(): CameraCounts {
	return { captured: 0, poolFull: 0, read: 0, closed: 0, closedTwice: 0, written: 0 };
}

/** The world a simulated camera runs in. */
export interface CameraEnvironment {
	now(): number;
	setTimer(callback: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
	/** Runs `callback` in a later turn: callbacks never run inside the call that caused them. */
	defer(callback: () => void): void;
	readonly sensor: Sensor;
	readonly frames: FrameStore;
	readonly cameraCounts: CameraCounts;
}

const POOL = 3;

/** `configuration` reports contrast under this misspelt key (camera.c); configure() takes it right. */
const CONFIGURATION_KEY: { readonly [key: string]: string } = { contrast: "conrast" };

type OnReadable = (this: SimulatedCamera, count: number) => void;

interface Slot {
	id: number;
	bytes: Uint8Array;
	state: "ready" | "client";
	buffer?: ArrayBuffer;
}

export class SimulatedCamera {
	target?: unknown;
	readonly #environment: CameraEnvironment;
	readonly #onReadable: OnReadable | undefined;
	readonly #width: number;
	readonly #height: number;
	#format: "buffer" | "buffer/disposable";
	#open = true;
	#running = false;
	#slots: Slot[] = [];
	#frameNumber = 0;
	#capturing: unknown;

	constructor(options: CameraOptions, environment: CameraEnvironment) {
		const settings = { ...options }; // camera.js spreads the options: only own enumerable properties count
		if (settings.imageType !== "jpeg") {
			if (typeof settings.imageType === "string") throw new RangeError("unknown imageType");
			throw new Error("simulated camera: the sensor makes JPEG only");
		}
		const format = settings.format || "buffer";
		if (format !== "buffer" && format !== "buffer/disposable") throw new RangeError("invalid format");
		this.#format = format;
		this.#onReadable = callback<OnReadable>(settings, "onReadable");
		copyTarget(this, settings);
		this.#environment = environment;
		if (environment.sensor.faults?.failsInit) throw new Error("camera init failed"); // camera.c, when esp_camera_init fails
		[this.#width, this.#height] = environment.sensor.size ?? snap(settings.width ?? 240, settings.height ?? 176, sensorModel(environment.sensor.model).maxSize);
		this.#capture(); // camera.c blocks until the first frame, which stays ready in a slot
	}

	get width(): number {
		this.#live();
		return this.#width;
	}

	get height(): number {
		this.#live();
		return this.#height;
	}

	get imageType(): "jpeg" {
		this.#live();
		return "jpeg";
	}

	get format(): "buffer" | "buffer/disposable" {
		this.#live();
		return this.#format;
	}

	set format(format: "buffer" | "buffer/disposable") {
		this.#live();
		if (format !== "buffer" && format !== "buffer/disposable") throw new RangeError("unknown");
		this.#format = format;
	}

	get identification(): { model: string } {
		this.#live();
		return { model: this.#environment.sensor.model };
	}

	/** The settings the sensor takes, with their values (contrast spelt "conrast", as camera.c does). Probes the sensor. */
	get configuration(): { [key: string]: number } {
		this.#live();
		const registers = this.#probe();
		const configuration: { [key: string]: number } = {};
		for (const key in sensorModel(this.#environment.sensor.model).ranges) configuration[CONFIGURATION_KEY[key] ?? key] = registers.values[key] ?? 0;
		return configuration;
	}

	/** Applies the keys the sensor takes, within the driver's ranges; ignores the rest silently. Probes the sensor. */
	configure(settings: SensorSettings): void {
		this.#live();
		const registers = this.#probe();
		const { ranges } = sensorModel(this.#environment.sensor.model);
		for (const [key, value] of Object.entries(settings)) {
			const range = ranges[key];
			const integer = Math.trunc(Number(value)) || 0; // camera.c converts with xsmcToInteger
			if (range && integer >= range[0] && integer <= range[1]) registers.values[key] = integer;
		}
	}

	start(): void {
		this.#live();
		if (this.#running) return;
		this.#running = true;
		this.#schedule();
	}

	stop(): void {
		this.#live();
		this.#running = false;
		this.#environment.clearTimer(this.#capturing);
		this.#capturing = undefined;
		for (const slot of this.#slots) { // frames go back to the driver; JS's disposables are detached
			if (slot.buffer) this.#environment.frames.detach(slot.buffer);
		}
		this.#slots = [];
	}

	close(): void {
		if (!this.#open) return;
		this.stop();
		this.#open = false;
	}

	read(): DisposableFrame | ArrayBuffer | undefined;
	read(into: ArrayBufferLike | ArrayBufferView): number | undefined;
	read(into?: ArrayBufferLike | ArrayBufferView): DisposableFrame | ArrayBuffer | number | undefined {
		this.#live();
		let oldest: Slot | undefined;
		for (const slot of this.#slots) {
			if (slot.state === "ready" && (!oldest || slot.id < oldest.id)) oldest = slot;
		}
		if (!oldest) return undefined;
		this.#environment.cameraCounts.read++;
		if (this.#format === "buffer/disposable") {
			oldest.state = "client";
			return this.#disposable(oldest);
		}
		this.#release(oldest);
		if (into === undefined) return oldest.bytes.slice().buffer;
		const target = ArrayBuffer.isView(into) ? new Uint8Array(into.buffer, into.byteOffset, into.byteLength) : new Uint8Array(into);
		if (target.byteLength < oldest.bytes.byteLength) throw new RangeError("buffer too small");
		target.set(oldest.bytes);
		return oldest.bytes.byteLength;
	}

	#disposable(slot: Slot): DisposableFrame {
		const frames = this.#environment.frames;
		const buffer = frames.hold(slot.bytes);
		slot.buffer = buffer;
		let closed = false;
		const counts = this.#environment.cameraCounts;
		Object.defineProperties(buffer, {
			byteLength: { value: slot.bytes.byteLength, enumerable: false, writable: false, configurable: false },
			camera: { value: this, enumerable: false, writable: true, configurable: true },
			close: {
				value: () => {
					if (closed) {
						counts.closedTwice++;
						return;
					}
					closed = true;
					if (!this.#slots.includes(slot)) return; // stop() already took it back and detached it
					counts.closed++;
					const written = !frames.unchanged(buffer, slot.bytes);
					this.#release(slot);
					frames.detach(buffer);
					if (written) {
						counts.written++;
						throw new TypeError("read-only buffer"); // the device throws at the write itself
					}
				},
				enumerable: false, writable: true, configurable: true,
			},
		});
		return buffer as DisposableFrame;
	}

	#release(slot: Slot): void {
		this.#slots.splice(this.#slots.indexOf(slot), 1);
	}

	/** A sensor's frames come on a fixed cadence, whatever each capture costs: the next one is due an interval after the last was due. */
	#schedule(due = this.#environment.now()): void {
		const next = due + 1000 / this.#environment.sensor.fps(this.#width, this.#height);
		this.#capturing = this.#environment.setTimer(() => {
			if (!this.#running) return;
			this.#capture();
			this.#schedule(Math.max(next, this.#environment.now() - 1000)); // after a long stall, do not try to catch up
		}, Math.max(0, next - this.#environment.now()));
	}

	#capture(): void {
		if (this.#environment.sensor.faults?.stalled) return; // the driver's "Failed to get the frame on time": nothing comes
		const counts = this.#environment.cameraCounts;
		counts.captured++;
		const id = ++this.#frameNumber;
		if (this.#slots.length >= POOL) { // "keep capturing so that we always have a current frame"
			counts.poolFull++;
			return;
		}
		const bytes = this.#environment.sensor.capture(this.#width, this.#height, id, this.#environment.now());
		this.#slots.push({ id, bytes, state: "ready" });
		if (!this.#running) return;
		this.#environment.defer(() => {
			if (this.#open && this.#running) this.#onReadable?.call(this, 0);
		});
	}

	/** camera.c's ensureSensor, once: set_whitebal(sensor, status.wb_mode) with wb_mode still 0 turns AWB off. */
	#probe(): SensorRegisters {
		const registers = this.#environment.sensor.registers;
		if (!registers.probed) {
			registers.probed = true;
			registers.autoWhiteBalance = false;
		}
		return registers;
	}

	#live(): void {
		if (!this.#open) throw closedError();
	}
}

/** The SDK's camera class, `new Camera(options)`, for an environment looked up as each camera is made. */
export function cameraClass(environment: () => CameraEnvironment) {
	return class Camera extends SimulatedCamera {
		constructor(options: CameraOptions) {
			super(options, environment());
		}
	};
}
