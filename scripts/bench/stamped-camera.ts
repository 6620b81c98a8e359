// The camera of the fan-out benchmarks: a client of the xscam wire protocol over real TCP (hello, wait for
// the welcome: bench-hello.ts; then frames), like hosttest/server/helpers/fake-camera.ts, that streams
// at a fixed rate.
// Each JPEG carries its capture time (performance.now(), this process's clock, which the viewers share)
// in a comment segment, because an MJPEG part has no header that would carry it to the viewer; a frame
// for RTSP carries it at the start of its scan too, since RTP/JPEG carries only the scan (RFC 2435).
// Like the firmware, it never queues frames behind a busy socket: a frame that finds the previous one
// still unsent is skipped (and counted), so the camera measures the server, not its own backlog.

import { connect, type Socket } from "node:net";
import { syntheticRtpJpeg } from "../../hosttest/server/helpers/rtsp-client";
import { FrameHeaderEncoder } from "../../src/protocol/encoder";
import { HEIGHT, welcomed, WIDTH } from "./bench-hello";

const SOI_BYTES = 2;
const COMMENT = Buffer.of(0xff, 0xfe, 0x00, 0x0a); // COM marker, and its length: itself and the stamp
const STAMP_OFFSET = SOI_BYTES + COMMENT.length;
const STAMP_BYTES = 8;
/** A frame's first bytes, up to the end of its stamp: what stampOf() reads. */
export const STAMP_END = STAMP_OFFSET + STAMP_BYTES;
/** In a scan the time is written in decimal digits: a scan may not hold 0xFF but as a marker (T.81 B.1.1.5), and the receiver walks it for them. */
const SCAN_STAMP_BYTES = 16;
const SOS = Buffer.of(0xff, 0xda);

/** Makes frames of one shape and size, each saying it was made at `time`. */
export type FrameMaker = (time: number) => Buffer;

/** JPEG-shaped frames of exactly `size` bytes: SOI, a comment holding the time, filler, EOI. */
export function fillerJpegs(size: number): FrameMaker {
	return (time) => {
		const jpeg = Buffer.alloc(size, 0x11); // never 0xFF: no marker inside the filler
		jpeg.set([0xff, 0xd8, ...COMMENT]);
		jpeg.writeDoubleBE(time, STAMP_OFFSET);
		jpeg.set([0xff, 0xd9], size - 2);
		return jpeg;
	};
}

/**
 * Frames of exactly `size` bytes that RTP/JPEG can carry: syntheticRtpJpeg's baseline 4:2:0 headers and
 * filler scan, with the comment after SOI, and the time again in the scan's first bytes, in digits.
 */
export function rtpJpegs(size: number): FrameMaker {
	const synthetic = syntheticRtpJpeg(size - COMMENT.length - STAMP_BYTES);
	const template = Buffer.concat([synthetic.subarray(0, SOI_BYTES), COMMENT, Buffer.alloc(STAMP_BYTES), synthetic.subarray(SOI_BYTES)]);
	const sos = template.indexOf(SOS); // the first: no table of the synthetic headers holds 0xFF
	const scanStart = sos + SOS.length + template.readUInt16BE(sos + SOS.length);
	return (time) => {
		const jpeg = Buffer.from(template); // a frame of its own: the socket may still hold the last one
		jpeg.writeDoubleBE(time, STAMP_OFFSET);
		jpeg.write(time.toFixed(3).padStart(SCAN_STAMP_BYTES, "0"), scanStart, SCAN_STAMP_BYTES, "latin1");
		return jpeg;
	};
}

/** When the frame `jpeg` was made, on performance.now()'s clock. */
export function stampOf(jpeg: Buffer): number {
	return jpeg.readDoubleBE(STAMP_OFFSET);
}

/** When the frame whose scan begins at `scanStart` in `bytes` was made (a frame of rtpJpegs()). */
export function scanStampOf(bytes: Buffer, scanStart: number): number {
	return Number(bytes.toString("latin1", scanStart, scanStart + SCAN_STAMP_BYTES));
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

	/** Connects to an xscam ingest port, says hello as camera `id`, and resolves once welcomed; rejects if refused. */
	static async online(port: number, id: string): Promise<StampedCamera> {
		const socket = connect(port, "127.0.0.1");
		await welcomed(socket, id);
		return new StampedCamera(socket);
	}

	/** Streams frames of `makeFrame` at `fps`, each due 1/fps after the last was due, whatever each one cost. */
	start(fps: number, makeFrame: FrameMaker): void {
		const interval = 1000 / fps;
		let due = performance.now();
		const tick = () => {
			this.#send(makeFrame);
			due += interval;
			this.#timer = setTimeout(tick, Math.max(0, due - performance.now()));
		};
		tick();
	}

	close(): void {
		clearTimeout(this.#timer);
		this.#socket.destroy();
	}

	#send(makeFrame: FrameMaker): void {
		if (this.#socket.writableLength > 0) {
			this.skipped++;
			return;
		}
		const jpeg = makeFrame(performance.now());
		this.#socket.write(this.#header.encode(this.sent, Date.now(), WIDTH, HEIGHT, jpeg.byteLength));
		this.#socket.write(jpeg);
		this.sent++;
	}
}
