// The camera of the fan-out benchmark: a client of the xscam wire protocol over real TCP (hello, wait for
// the welcome, then frames), like hosttest/server/helpers/fake-camera.ts, that streams at a fixed rate.
// Each JPEG carries its capture time (performance.now(), this process's clock, which the viewers share)
// in a comment segment, because an MJPEG part has no header that would carry it to the viewer.
// Like the firmware, it never queues frames behind a busy socket: a frame that finds the previous one
// still unsent is skipped (and counted), so the camera measures the server, not its own backlog.

import { connect, type Socket } from "node:net";
import { Decoder } from "../../src/protocol/decoder";
import { encode, FrameHeaderEncoder } from "../../src/protocol/encoder";
import type { ServerMessage } from "../../src/protocol/types";

const WIDTH = 640;
const HEIGHT = 480;
const STAMP_OFFSET = 6; // after SOI (FF D8) and the comment's marker and length (FF FE 00 0A)

/** A JPEG-shaped frame of exactly `size` bytes that says when it was made: SOI, a comment holding the time, filler, EOI. */
function stampedJpeg(size: number, time: number): Buffer {
	const jpeg = Buffer.alloc(size, 0x11); // never 0xFF: no marker inside the filler
	jpeg.set([0xff, 0xd8, 0xff, 0xfe, 0x00, 0x0a]);
	jpeg.writeDoubleBE(time, STAMP_OFFSET);
	jpeg.set([0xff, 0xd9], size - 2);
	return jpeg;
}

/** When the frame `jpeg` was made, on performance.now()'s clock. */
export function stampOf(jpeg: Buffer): number {
	return jpeg.readDoubleBE(STAMP_OFFSET);
}

export class StampedCamera {
	/** Frames written, and frames skipped because the socket still held the previous one. */
	sent = 0;
	skipped = 0;
	readonly #socket: Socket;
	readonly #header = new FrameHeaderEncoder();
	#timer: NodeJS.Timeout | undefined;

	private constructor(socket: Socket) {
		this.#socket = socket;
	}

	/** Connects to an xscam ingest port, says hello as camera `id`, and resolves once welcomed. */
	static online(port: number, id: string): Promise<StampedCamera> {
		return new Promise((resolve, reject) => {
			const socket = connect(port, "127.0.0.1");
			socket.once("error", reject);
			const decoder = new Decoder<ServerMessage>({
				from: "server", maxBodyBytes: 1 << 16,
				onMessage: (message) => { // pings go unanswered: a streaming camera is never silent
					if (message.type === "welcome") resolve(new StampedCamera(socket));
				},
			});
			socket.on("data", (chunk) => decoder.push(chunk));
			socket.write(encode({ type: "hello", flags: 0, id, firmware: "bench", board: "bench", sensor: "bench", width: WIDTH, height: HEIGHT }));
		});
	}

	/** Streams frames of `frameBytes` at `fps`, each due 1/fps after the last was due, whatever each one cost. */
	start(fps: number, frameBytes: number): void {
		const interval = 1000 / fps;
		let due = performance.now();
		const tick = () => {
			this.#send(frameBytes);
			due += interval;
			this.#timer = setTimeout(tick, Math.max(0, due - performance.now()));
		};
		tick();
	}

	close(): void {
		clearTimeout(this.#timer);
		this.#socket.destroy();
	}

	#send(frameBytes: number): void {
		if (this.#socket.writableLength > 0) {
			this.skipped++;
			return;
		}
		const jpeg = stampedJpeg(frameBytes, performance.now());
		this.#socket.write(this.#header.encode(this.sent, Date.now(), WIDTH, HEIGHT, jpeg.byteLength));
		this.#socket.write(jpeg);
		this.sent++;
	}
}
