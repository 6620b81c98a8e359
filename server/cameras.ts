// The receiver's memory of each camera, by id. A camera outlives its connections: when it reconnects,
// the new connection takes over the same Camera (counters, latest frame, viewers, recording), and a
// second connection with the same id replaces the first. Ingest writes here; viewers, the recorder,
// the status API and /metrics read here.

import type { ControlResult, ControlSettings, Frame, Hello, Stats } from "../src/protocol/types";
import type { Cancel, Clock } from "./clock";
import { xscamError } from "./errors";
import type { XscamError } from "./errors";

/** One received frame. Immutable once made: every viewer and the recorder share it, nobody copies it. */
export interface FrameRecord {
	/** The JPEG, copied once out of the decoder's view. */
	readonly jpeg: Buffer;
	readonly seq: number;
	/** ms since the epoch, as the device estimates the receiver's clock. */
	readonly captureTime: number;
	/** ms since the epoch on the receiver's clock. */
	readonly receivedAt: number;
	readonly width: number;
	readonly height: number;
}

/** The connection a camera is reachable through (ingest/session.ts). */
export interface CameraLink {
	readonly remote: string;
	/** Sends a control message and resolves with the camera's answer; rejects with a coded error. */
	control(settings: ControlSettings): Promise<ControlResult>;
	/** Closes the connection; `reason` is logged. */
	close(reason: XscamError): void;
}

export interface RecordingState {
	state: "off" | "recording" | "failed";
	/** The segment being written. */
	segment?: string;
	/** Why recording stopped. */
	error?: string;
}

export type FrameHook = (camera: Camera, frame: FrameRecord) => void;

/** Frame rate and bit rate over the last few seconds, from a small ring of (time, bytes). */
class RateMeter {
	static readonly SLOTS = 64;
	static readonly WINDOW_MS = 5000;
	readonly #times = new Float64Array(RateMeter.SLOTS);
	readonly #bytes = new Float64Array(RateMeter.SLOTS);
	#count = 0;
	#next = 0;

	add(time: number, bytes: number): void {
		this.#times[this.#next] = time;
		this.#bytes[this.#next] = bytes;
		this.#next = (this.#next + 1) % RateMeter.SLOTS;
		this.#count = Math.min(this.#count + 1, RateMeter.SLOTS);
	}

	/** Frames per second and kbit/s; 0 when fewer than two frames arrived within the window. */
	rates(now: number): { fps: number; kbps: number } {
		let frames = 0;
		let bytes = 0;
		let oldest = 0;
		let oldestBytes = 0;
		let newest = 0;
		for (let i = 1; i <= this.#count; i++) { // newest first
			const slot = (this.#next - i + RateMeter.SLOTS) % RateMeter.SLOTS;
			const time = this.#times[slot];
			if (now - time > RateMeter.WINDOW_MS) break;
			if (frames === 0) newest = time;
			oldest = time;
			oldestBytes = this.#bytes[slot];
			bytes += oldestBytes;
			frames++;
		}
		const span = newest - oldest;
		if (frames < 2 || span <= 0) return { fps: 0, kbps: 0 };
		// n frames span n - 1 intervals; the oldest frame's bytes arrived before the span began
		return { fps: ((frames - 1) * 1000) / span, kbps: ((bytes - oldestBytes) * 8) / span };
	}
}

export class Camera {
	readonly id: string;
	/** The last hello: what the camera says it is. */
	hello: Hello;
	/** The live connection; undefined while offline. */
	link: CameraLink | undefined;
	/** The last stats message. */
	stats: Stats | undefined;
	latest: FrameRecord | undefined;
	/** Connections that said hello with this id, since the receiver started. */
	connections = 0;
	/** When the current connection said hello, or the last one ended. */
	since: number;
	/** Why the last connection ended. */
	lastError: string | undefined;
	framesReceived = 0;
	bytesReceived = 0;
	/** Frames missing from the sequence numbers: lost between the device and the receiver. */
	framesLost = 0;
	/** Frames whose payload is not a JPEG; dropped here (ingest/session.ts says why). */
	framesBad = 0;
	recording: RecordingState = { state: "off" };
	readonly #rate = new RateMeter();

	constructor(hello: Hello, since: number) {
		this.id = hello.id;
		this.hello = hello;
		this.since = since;
	}

	rates(now: number): { fps: number; kbps: number } {
		return this.#rate.rates(now);
	}

	/** Counts one frame (rate included). */
	count(frame: FrameRecord): void {
		this.framesReceived++;
		this.bytesReceived += frame.jpeg.byteLength;
		this.#rate.add(frame.receivedAt, frame.jpeg.byteLength);
	}
}

const JPEG_SOI_0 = 0xff;
const JPEG_SOI_1 = 0xd8;

export class Cameras {
	readonly #cameras = new Map<string, Camera>();
	readonly #frameHooks = new Set<FrameHook>();
	readonly #limit: number;
	readonly #clock: Clock;

	constructor(limit: number, clock: Clock) {
		this.#limit = limit;
		this.#clock = clock;
	}

	get(id: string): Camera | undefined {
		return this.#cameras.get(id);
	}

	list(): Camera[] {
		return [...this.#cameras.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	}

	/**
	 * Makes `link` the camera's connection. Returns the link it replaces (still open: the caller closes it).
	 * Throws XSCAM_ERR_TOO_MANY_CAMERAS for a new id beyond the limit (ids are chosen by devices, and each
	 * one costs state and metric labels). Ids are safe as URL paths and folder names: the decoder
	 * refuses any that does not start with a letter or digit.
	 */
	attach(hello: Hello, link: CameraLink): { camera: Camera; replaced: CameraLink | undefined } {
		const now = this.#clock.now();
		let camera = this.#cameras.get(hello.id);
		if (camera === undefined) {
			if (this.#cameras.size >= this.#limit) throw xscamError("XSCAM_ERR_TOO_MANY_CAMERAS", this.#limit);
			camera = new Camera(hello, now);
			this.#cameras.set(hello.id, camera);
		}
		const replaced = camera.link;
		camera.hello = hello;
		camera.link = link;
		camera.connections++;
		camera.since = now;
		camera.lastError = undefined;
		return { camera, replaced };
	}

	/** The camera is offline, unless `link` was already replaced by a newer connection. */
	detach(camera: Camera, link: CameraLink, reason: string | undefined): void {
		if (camera.link !== link) return;
		camera.link = undefined;
		camera.since = this.#clock.now();
		camera.lastError = reason;
	}

	/**
	 * Takes a decoded frame: copies its JPEG once, counts it and hands it to every hook (viewers, recorder).
	 * Returns false, and keeps nothing, when the payload does not start like a JPEG (FF D8).
	 */
	frame(camera: Camera, frame: Frame, lost: number): boolean {
		camera.framesLost += lost;
		const { jpeg } = frame;
		if (jpeg.byteLength < 2 || jpeg[0] !== JPEG_SOI_0 || jpeg[1] !== JPEG_SOI_1) {
			camera.framesBad++;
			return false;
		}
		const record: FrameRecord = {
			jpeg: Buffer.from(jpeg), // the copy: the decoder's view dies when its callback returns
			seq: frame.seq, captureTime: frame.captureTime, receivedAt: this.#clock.now(), width: frame.width, height: frame.height,
		};
		camera.latest = record;
		camera.count(record);
		for (const hook of this.#frameHooks) hook(camera, record);
		return true;
	}

	onFrame(hook: FrameHook): Cancel {
		this.#frameHooks.add(hook);
		return () => this.#frameHooks.delete(hook);
	}
}
