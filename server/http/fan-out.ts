// MJPEG fan-out: every viewer of a camera gets the newest frame whenever it is ready for one.
//
// A camera's viewers are offered each frame in turn, starting one viewer further on with every frame,
// and a round over many viewers yields to the event loop after a few ms (viewers/rotation.ts): no viewer
// is always last, and ingest goes on while a frame goes round.
// Each viewer writes through the latest-wins slot (viewers/latest-wins.ts): a frame arriving while the
// viewer's socket is still flushing the previous one takes the slot, replacing (skipping) whatever was
// there; when the socket drains, the slot is written. So every viewer writes the one Buffer ingest
// received; a slow viewer skips frames instead of queueing them, and holds at most one part in the
// socket's buffer plus one frame reference in its slot; and no viewer waits for another. A viewer that
// has taken nothing for the stall timeout has stopped reading and is dropped (viewers/stall-watch.ts).
//
// The response is written on the raw socket (the route hijacks the reply): Node's http would use
// chunked transfer-encoding for an HTTP/1.1 response without a length, which some MJPEG clients do not
// accept. The body is the multipart/x-mixed-replace that mjpg-streamer sends, which browsers, VLC,
// ffmpeg (its mpjpeg demuxer wants the body to start with "--"), motion/motionEye and Home Assistant
// read: a boundary line first, then per frame its headers with a Content-Length, the JPEG, and the next
// boundary line at once, so that a browser shows each frame as soon as it arrives instead of waiting
// for the following frame to end it.

import type { Socket } from "node:net";
import type { Camera, ReceivedFrame } from "../cameras/camera";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { xscamError } from "../errors";
import { LatestWins } from "../viewers/latest-wins";
import { Rotation, ROUND_TIMING } from "../viewers/rotation";
import { StallWatch } from "../viewers/stall-watch";

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

const parts = new WeakMap<ReceivedFrame, MjpegPart>();

function partOf(frame: ReceivedFrame): MjpegPart {
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
	readonly slot: LatestWins<MjpegPart>;
	readonly #totals: Totals;
	readonly #unwatch: Cancel;

	constructor(socket: Socket, totals: Totals, stalls: StallWatch, stallMs: number) {
		this.socket = socket;
		this.remote = socket.remoteAddress + ":" + socket.remotePort;
		this.#totals = totals;
		this.slot = new LatestWins<MjpegPart>({
			write(part) {
				socket.cork(); // one writev for the three pieces; the JPEG itself is not copied
				socket.write(part.head);
				socket.write(part.jpeg);
				const ready = socket.write(PART_END);
				socket.uncork();
				totals.sent++;
				return ready;
			},
		});
		socket.on("drain", () => this.slot.drained());
		this.#unwatch = stalls.watch(socket, () => {
			totals.dropped++;
			socket.destroy(xscamError("XSCAM_ERR_VIEWER_STALLED", stallMs));
		});
	}

	offer(part: MjpegPart): void {
		if (this.socket.destroyed) return;
		if (this.slot.offer(part)) this.#totals.skipped++;
	}

	/** Forgets the slot and stops watching (the socket is closing). */
	stop(): void {
		this.#unwatch();
		this.slot.clear();
	}

	info(): ViewerInfo {
		const { slot } = this;
		return { remote: this.remote, sent: slot.sent, skipped: slot.skipped, waiting: slot.waiting, bufferedBytes: this.socket.writableLength };
	}
}

export class FanOut {
	readonly #core: Core;
	readonly #viewers = new Map<string, Rotation<MjpegPart, Viewer>>(); // camera id -> its viewers
	readonly #totals = new Map<string, Totals>();
	readonly #stalls: StallWatch;

	constructor(core: Core) {
		this.#core = core;
		this.#stalls = new StallWatch(core.clock, core.options.viewerStallMs);
	}

	/**
	 * Streams `camera` to `socket`, which the caller hands over (a hijacked HTTP request): from here on
	 * the fan-out writes it and closes it. A camera that is offline keeps its viewers; they get frames
	 * again when it reconnects.
	 */
	add(camera: Camera, socket: Socket): void {
		const { options, log } = this.#core;
		const viewers = this.#viewers.get(camera.id) ?? new Rotation<MjpegPart, Viewer>(ROUND_TIMING);
		this.#viewers.set(camera.id, viewers);
		const viewer = new Viewer(socket, this.totals(camera.id), this.#stalls, options.viewerStallMs);
		viewers.add(viewer);
		socket.setNoDelay(true); // a part's tail should not wait for an ACK
		socket.setTimeout(0); // a keep-alive timeout left from an earlier request on this socket; stalls are ours to judge
		socket.on("error", () => {}); // a viewer that vanishes is normal; 'close' follows and says so
		socket.on("close", () => {
			viewer.stop();
			viewers.delete(viewer);
			const stalled = (socket.errored as { code?: string } | null)?.code === "XSCAM_ERR_VIEWER_STALLED";
			const fields = { camera: camera.id, remote: viewer.remote, sent: viewer.slot.sent, skipped: viewer.slot.skipped };
			if (stalled) log.warn(fields, "viewer " + viewer.remote + " of camera " + camera.id + " dropped: it read nothing for " + options.viewerStallMs + " ms");
			else log.debug(fields, "viewer " + viewer.remote + " of camera " + camera.id + " left");
		});
		log.debug({ camera: camera.id, remote: viewer.remote }, "viewer " + viewer.remote + " of camera " + camera.id + " joined");
		socket.write(RESPONSE_HEAD);
		const { latest } = camera.intake;
		if (latest !== undefined) viewer.offer(partOf(latest)); // something to show at once
	}

	/** Offers a new frame to every viewer of its camera. */
	publish(camera: Camera, frame: ReceivedFrame): void {
		const viewers = this.#viewers.get(camera.id);
		if (viewers === undefined || viewers.size === 0) return;
		viewers.publish(partOf(frame));
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
		this.#stalls.stop();
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
