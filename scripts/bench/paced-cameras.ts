// The load of the many-cameras benchmark, alone in a process forked by its run (many-cameras.ts):
// `paced-cameras.ts <port> <cameras> hello|raw <JPEG bytes> <fps>`. Each camera is one TCP connection
// (load-connections.ts) sending frames of docs/protocol.md at its own steady rate, the cameras' frames
// spread evenly over each period. A camera whose last frame the kernel has not taken yet skips its turn,
// as the firmware does (it never queues frames behind a slow link), but its sequence number moves on, so
// the receiver counts the skipped frame as lost. Each camera reuses one buffer: it is stamped again
// (sequence number, capture time) only when nothing holds it. Over the IPC channel it sends "pacing" once
// every connection is open, then answers "measure" and "report" (measured-process.ts).

import type { Socket } from "node:net";
import { FRAME_HEADER_BYTES } from "../../src/protocol/constants";
import { FrameHeaderEncoder } from "../../src/protocol/encoder";
import { HEIGHT, WIDTH } from "./bench-hello";
import { openConnections } from "./load-connections";
import { answerMeasures, type ProcessReport } from "./measured-process";
import { fillerJpegs } from "./stamped-camera";

export interface PacedReport extends ProcessReport {
	/** Frames whose turn came since "measure": sent or skipped. */
	due: number;
	/** Of those, frames skipped: the camera's last frame was still waiting for the kernel. */
	skipped: number;
	closedByPeer: number;
}

/** How often the load looks for cameras whose turn has come. */
const TICK_MS = 2;

class PacedCamera {
	due: number; // performance.now() of its next turn
	readonly #socket: Socket;
	readonly #frame: Buffer;
	readonly #header = new FrameHeaderEncoder();
	readonly #jpegBytes: number;
	#seq = 0;

	constructor(socket: Socket, jpeg: Uint8Array, due: number) {
		this.#socket = socket;
		this.#jpegBytes = jpeg.byteLength;
		this.#frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + jpeg.byteLength);
		this.#frame.set(jpeg, FRAME_HEADER_BYTES);
		this.due = due;
	}

	/** Its turn: sends a frame, or returns false if the last one is still waiting. */
	turn(): boolean {
		const seq = this.#seq++ >>> 0;
		if (this.#socket.writableLength > 0 || this.#socket.destroyed) return false;
		this.#frame.set(this.#header.encode(seq, Date.now(), WIDTH, HEIGHT, this.#jpegBytes));
		this.#socket.write(this.#frame);
		return true;
	}
}

const [port, count, mode, jpegBytes, fps] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], Number(process.argv[5]), Number(process.argv[6])];
if (!(port > 0) || !(count >= 1) || (mode !== "hello" && mode !== "raw") || !(jpegBytes >= 4) || !(fps > 0))
	throw new Error("usage: paced-cameras.ts <port> <cameras> hello|raw <JPEG bytes> <fps>");

const connections = await openConnections(port, count, mode, "paced-");
const period = 1000 / fps;
const jpeg = fillerJpegs(jpegBytes)(0);
const start = performance.now();
// In turn order: the cameras' turns keep their order, each one period after the last, so the next is always first.
const cameras = connections.sockets.map((socket, i) => new PacedCamera(socket, jpeg, start + i * period / count));
let next = 0;
let due = 0;
let skipped = 0;
const timer = setInterval(() => {
	const now = performance.now();
	for (let camera = cameras[next]; camera.due <= now; camera = cameras[next]) {
		due++;
		if (!camera.turn()) skipped++;
		camera.due += period;
		next = (next + 1) % cameras.length;
	}
}, TICK_MS);
process.send!("pacing");

answerMeasures(() => { due = 0; skipped = 0; }, () => ({ due, skipped, closedByPeer: connections.closedByPeer() }), async () => {
	clearInterval(timer);
	connections.stop();
});
