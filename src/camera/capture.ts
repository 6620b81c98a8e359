// The camera, opened once for the life of the firmware (closing and reopening it is not reliable on the
// ESP32), as JPEG in zero-copy disposable frames. The driver keeps a pool of three frames and stops
// capturing while all three are held, so every frame read here is either handed on (the receiver of
// onFrame then owns it and closes it) or closed at once. onReadable is called with 0 once per captured
// frame, and an earlier call may already have read it (reference/moddable-sdk.md §1.7).

import type Camera from "embedded:io/image/in/camera";
import type { DisposableFrame, SensorSettings } from "embedded:io/image/in/camera";
import { FramePacer } from "./frame-pacer";

export interface CaptureOptions {
	Camera: typeof Camera;
	width: number;
	height: number;
	frameRate: number;
	/** Takes ownership of `frame`, captured at `time` (ms, device clock). */
	onFrame: (frame: DisposableFrame, time: number) => void;
	now?: () => number;
}

export class Capture {
	readonly #camera: Camera;
	readonly #pacer: FramePacer;
	readonly #onFrame: (frame: DisposableFrame, time: number) => void;
	readonly #now: () => number;
	/** Frames read from the camera. */
	captured = 0;
	/** Frames closed unsent because a newer one was already waiting in the camera. */
	superseded = 0;

	constructor(options: CaptureOptions) {
		this.#pacer = new FramePacer(options.frameRate);
		this.#onFrame = options.onFrame;
		this.#now = options.now ?? Date.now;
		const capture = this;
		this.#camera = new options.Camera({
			width: options.width, height: options.height, imageType: "jpeg", format: "buffer/disposable",
			onReadable() {
				capture.#readable();
			},
		});
	}

	/** The size the camera actually captures, which can differ from the one asked for. */
	get width(): number {
		return this.#camera.width;
	}

	get height(): number {
		return this.#camera.height;
	}

	get sensor(): string {
		return this.#camera.identification?.model ?? "unknown";
	}

	get frameRate(): number {
		return this.#pacer.rate;
	}

	set frameRate(rate: number) {
		this.#pacer.rate = rate;
	}

	/**
	 * Changes sensor settings (camera/sensors/ describes which, and their ranges). The first call probes
	 * the sensor, which on the OV2640 switches automatic white balance off (docs/hardware.md): only a
	 * viewer's request comes here.
	 */
	configure(settings: SensorSettings): void {
		this.#camera.configure!(settings);
	}

	start(): void {
		this.#camera.start();
	}

	/** For the hosts only: the device never closes its camera (see the top of this file). */
	close(): void {
		this.#camera.close();
	}

	#readable(): void {
		// Read every ready frame: read() returns the oldest, and only the newest is worth sending.
		let newest: DisposableFrame | undefined;
		for (let frame = this.#read(); frame; frame = this.#read()) {
			this.captured++;
			if (newest) {
				newest.close();
				this.superseded++;
			}
			newest = frame;
		}
		if (!newest) return;
		const now = this.#now();
		if (this.#pacer.admit(now)) this.#onFrame(newest, now);
		else newest.close();
	}

	#read(): DisposableFrame | undefined {
		return this.#camera.read() as DisposableFrame | undefined;
	}
}
