// MJPEG fan-out: every viewer of a camera gets the newest frame whenever it is ready for one.
//
// A viewer owns a one-frame slot. A frame arriving while the viewer's socket is still flushing the
// previous one takes the slot, replacing (skipping) whatever was there; when the socket drains, the slot
// is written. So the camera's frame is copied once (in cameras.ts) and every viewer writes that same
// Buffer; a slow viewer skips frames instead of queueing them, and holds at most one part in the
// socket's buffer plus one frame reference in its slot; and no viewer waits for another. A viewer whose
// socket makes no drain progress for the stall timeout has stopped reading and is dropped.
//
// The response is written on the raw socket (the route hijacks the reply): Node's http would use
// chunked transfer-encoding for an HTTP/1.1 response without a length, which some MJPEG clients do not
// accept. The body is the multipart/x-mixed-replace that mjpg-streamer sends, which browsers, VLC,
// ffmpeg (its mpjpeg demuxer wants the body to start with "--"), motion/motionEye and Home Assistant
// read: a boundary line first, then per frame its headers with a Content-Length, the JPEG, and the next
// boundary line at once, so that a browser shows each frame as soon as it arrives instead of waiting
// for the following frame to end it.

import type { Socket } from "node:net";
import type { Camera, FrameRecord } from "../cameras";
import type { Cancel, Clock } from "../clock";
import type { Core } from "../core";
import { xscamError } from "../errors";

const BOUNDARY = "xscamframe";
export const MJPEG_CONTENT_TYPE = "multipart/x-mixed-replace;boundary=" + BOUNDARY;

const RESPONSE_HEAD = Buffer.from(
	"HTTP/1.1 200 OK\r\n" +
	"Content-Type: " + MJPEG_CONTENT_TYPE + "\r\n" +
	"Cache-Control: no-cache, no-store, must-revalidate\r\n" +
	"Pragma: no-cache\r\n" +
	"Connection: close\r\n" +
	"\r\n" +
	"--" + BOUNDARY + "\r\n");
const PART_END = Buffer.from("\r\n--" + BOUNDARY + "\r\n");

/** One frame as an MJPEG part; its headers are built once, whatever the number of viewers. */
interface MjpegPart {
	readonly head: Buffer;
	readonly jpeg: Buffer;
}

const parts = new WeakMap<FrameRecord, MjpegPart>();

function partOf(frame: FrameRecord): MjpegPart {
	let part = parts.get(frame);
	if (part === undefined) {
		const head = Buffer.from("Content-Type: image/jpeg\r\nContent-Length: " + frame.jpeg.byteLength + "\r\n\r\n");
		part = { head, jpeg: frame.jpeg };
		parts.set(frame, part);
	}
	return part;
}

/** A camera's viewer totals since the receiver started (for /metrics). */
interface Totals {
	sent: number;
	skipped: number;
	dropped: number;
}

export interface ViewerInfo {
	remote: string;
	sent: number;
	skipped: number;
	/** Waiting for the socket to drain the last part written. */
	waiting: boolean;
	/** Bytes in the socket's buffer, not yet taken by the kernel: at most one part beyond the high-water mark. */
	bufferedBytes: number;
}

class Viewer {
	readonly remote: string;
	readonly socket: Socket;
	sent = 0;
	skipped = 0;
	readonly #totals: Totals;
	readonly #clock: Clock;
	readonly #stallMs: number;
	#waiting = false;
	#slot: MjpegPart | undefined;
	#cancelStall: Cancel | undefined;

	constructor(socket: Socket, totals: Totals, clock: Clock, stallMs: number) {
		this.socket = socket;
		this.remote = socket.remoteAddress + ":" + socket.remotePort;
		this.#totals = totals;
		this.#clock = clock;
		this.#stallMs = stallMs;
		socket.on("drain", () => this.#onDrain());
	}

	offer(part: MjpegPart): void {
		if (!this.#waiting) {
			this.#write(part);
			return;
		}
		if (this.#slot !== undefined) {
			this.skipped++;
			this.#totals.skipped++;
		}
		this.#slot = part; // latest wins
	}

	/** Forgets the slot and the stall timer (the socket is closing). */
	stop(): void {
		this.#cancelStall?.();
		this.#slot = undefined;
	}

	info(): ViewerInfo {
		return { remote: this.remote, sent: this.sent, skipped: this.skipped, waiting: this.#waiting, bufferedBytes: this.socket.writableLength };
	}

	#write(part: MjpegPart): void {
		const { socket } = this;
		if (socket.destroyed) return;
		socket.cork(); // one writev for the three pieces; the JPEG itself is not copied
		socket.write(part.head);
		socket.write(part.jpeg);
		const ready = socket.write(PART_END);
		socket.uncork();
		this.sent++;
		this.#totals.sent++;
		if (ready) return;
		this.#waiting = true;
		this.#cancelStall = this.#clock.after(this.#stallMs, () => {
			this.#totals.dropped++;
			socket.destroy(xscamError("XSCAM_ERR_VIEWER_STALLED", this.#stallMs));
		});
	}

	#onDrain(): void {
		this.#cancelStall?.();
		this.#cancelStall = undefined;
		this.#waiting = false;
		const next = this.#slot;
		this.#slot = undefined;
		if (next !== undefined) this.#write(next);
	}
}

export class FanOut {
	readonly #core: Core;
	readonly #viewers = new Map<string, Set<Viewer>>(); // camera id -> its viewers
	readonly #totals = new Map<string, Totals>();

	constructor(core: Core) {
		this.#core = core;
	}

	/**
	 * Streams `camera` to `socket`, which the caller hands over (a hijacked HTTP request): from here on
	 * the fan-out writes it and closes it. A camera that is offline keeps its viewers; they get frames
	 * again when it reconnects.
	 */
	add(camera: Camera, socket: Socket): void {
		const { clock, options, log } = this.#core;
		const viewers = this.#viewers.get(camera.id) ?? new Set<Viewer>();
		this.#viewers.set(camera.id, viewers);
		const viewer = new Viewer(socket, this.totals(camera.id), clock, options.viewerStallMs);
		viewers.add(viewer);
		socket.setNoDelay(true); // a part's tail should not wait for an ACK
		socket.setTimeout(0); // a keep-alive timeout left from an earlier request on this socket; stalls are ours to judge
		socket.on("error", () => {}); // a viewer that vanishes is normal; 'close' follows and says so
		socket.on("close", () => {
			viewer.stop();
			viewers.delete(viewer);
			const stalled = (socket.errored as { code?: string } | null)?.code === "XSCAM_ERR_VIEWER_STALLED";
			const fields = { camera: camera.id, remote: viewer.remote, sent: viewer.sent, skipped: viewer.skipped };
			if (stalled) log.warn(fields, "viewer " + viewer.remote + " of camera " + camera.id + " dropped: it read nothing for " + options.viewerStallMs + " ms");
			else log.debug(fields, "viewer " + viewer.remote + " of camera " + camera.id + " left");
		});
		log.debug({ camera: camera.id, remote: viewer.remote }, "viewer " + viewer.remote + " of camera " + camera.id + " joined");
		socket.write(RESPONSE_HEAD);
		if (camera.latest !== undefined) viewer.offer(partOf(camera.latest)); // something to show at once
	}

	/** Offers a new frame to every viewer of its camera. */
	publish(camera: Camera, frame: FrameRecord): void {
		const viewers = this.#viewers.get(camera.id);
		if (viewers === undefined || viewers.size === 0) return;
		const part = partOf(frame);
		for (const viewer of viewers) viewer.offer(part);
	}

	count(cameraId: string): number {
		return this.#viewers.get(cameraId)?.size ?? 0;
	}

	viewers(cameraId: string): ViewerInfo[] {
		return [...(this.#viewers.get(cameraId) ?? [])].map((viewer) => viewer.info());
	}

	totals(cameraId: string): Totals {
		let totals = this.#totals.get(cameraId);
		if (totals === undefined) {
			totals = { sent: 0, skipped: 0, dropped: 0 };
			this.#totals.set(cameraId, totals);
		}
		return totals;
	}

	/** Closes every viewer and resolves when their sockets are closed. */
	close(): Promise<void> {
		const closing: Promise<void>[] = [];
		for (const viewers of this.#viewers.values()) {
			for (const viewer of viewers) {
				closing.push(new Promise((resolve) => viewer.socket.once("close", () => resolve())));
				viewer.socket.destroy();
			}
		}
		return Promise.all(closing).then(() => undefined);
	}
}
