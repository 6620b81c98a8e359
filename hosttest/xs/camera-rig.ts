// The setup most XS-tier tests share: the unchanged firmware in XS with a config that joins the one
// access point and streams to a receiver, and a sensor of marked JPEGs (hosttest/host/marked-jpeg.ts)
// whose bytes the test can check. The sensor's rate and the firmware's frameRate cap are equal, so each
// crank of FRAME_INTERVAL ms captures exactly one frame and, once streaming, sends it whole.

import { markedJpeg } from "../host/marked-jpeg";
import type { RadioOptions } from "../host/radio";
import { XsDevice } from "./xs-device";
import type { XsNetwork } from "./xs-network";

export const WIFI = { ssid: "home", password: "correct horse" };
/** Where the in-process receiver listens on the board's network. */
export const RECEIVER = { address: "192.168.4.1", port: 8700 };
export const FRAME_RATE = 20;
/** One frame per crank. */
export const FRAME_INTERVAL = 1000 / FRAME_RATE;

export interface RigOptions {
	network: XsNetwork;
	/** Each JPEG is padded to at least this many bytes. */
	frameBytes?: number;
	/** The sensor's frames are remembered for checks (true), or not (a long run). */
	remember?: boolean;
	/** Frames are made in XS (stamped copies of one of Node's, STAMP), not asked of Node one by one; not remembered. */
	stamped?: boolean;
	/** The sensor's rate and the firmware's cap; FRAME_RATE when absent. */
	fps?: number;
	frameSize?: string;
	/** Manifest config on top of the rig's. */
	manifest?: { [key: string]: unknown };
	/** mcconfig key=value arguments; the rig gives the receiver's port this way, as a string. */
	commandLine?: { [key: string]: string };
	radio?: RadioOptions;
	/** The TCP send buffer; the ESP32's 8 KB when absent. */
	tcpSendBuffer?: number;
	entry?: string;
	/** xs-device.ts: how often the engine checks its metering limit. */
	meteringInterval?: number;
}

export interface Rig {
	device: XsDevice;
	/** The JPEG of each frame number the sensor made (when remembered). */
	captured: Map<number, Uint8Array>;
}

/**
 * Where a stamped frame's number is: markedJpeg() writes the SOI (2 bytes), then a comment segment's
 * marker and length (4) and "frame " (6), then the number, here always STAMP.digits of them.
 */
export const STAMP = { offset: 12, digits: 10 };
const TEN_DIGITS = 1_000_000_000; // any frame number below it, plus it, has STAMP.digits digits: XS writes them all

/** frameNumberOf() for a stamped frame, without decoding its text (a long run reads 864,000 of them). */
export function stampedFrameNumber(jpeg: Uint8Array): number {
	let number = 0;
	for (let at = STAMP.offset; at < STAMP.offset + STAMP.digits; at++) number = number * 10 + jpeg[at] - 0x30;
	return number;
}

export async function bootRig(options: RigOptions): Promise<Rig> {
	const captured = new Map<number, Uint8Array>();
	const fps = options.fps ?? FRAME_RATE;
	const device = await XsDevice.boot({
		config: {
			manifest: {
				...WIFI, server: RECEIVER.address, id: "cam-1", frameSize: options.frameSize ?? "QVGA", frameRate: fps,
				board: "esp32cam", ...options.manifest,
			},
			commandLine: { port: String(RECEIVER.port), ...options.commandLine },
		},
		accessPoints: [WIFI],
		radio: options.radio,
		sensor: options.stamped ? {
			fps, stamp: STAMP,
			capture: (width, height, frameNumber) => markedJpeg(TEN_DIGITS + frameNumber, width, height, options.frameBytes),
		} : {
			fps,
			capture: (width, height, frameNumber) => {
				const jpeg = markedJpeg(frameNumber, width, height, options.frameBytes);
				if (options.remember !== false) captured.set(frameNumber, jpeg);
				return jpeg;
			},
		},
		network: options.network,
		tcpSendBuffer: options.tcpSendBuffer,
		entry: options.entry,
		meteringInterval: options.meteringInterval,
		onTrace: process.env.XS_TRACE ? (text) => process.stderr.write(text) : undefined,
	});
	return { device, captured };
}

/**
 * Cranks until `done()` or `limit` cranks; returns how many ran. With real sockets at the other end,
 * `realMs` of real time between cranks keeps the virtual clock from outrunning them (its timeouts would
 * fire before a loaded machine's loopback answers).
 */
export async function crankUntil(device: XsDevice, done: () => boolean, limit: number, realMs = 0): Promise<number> {
	let count = 0;
	while (!done() && count < limit) {
		await device.advance(FRAME_INTERVAL);
		count++;
		if (realMs) await new Promise((resolve) => setTimeout(resolve, realMs));
	}
	return count;
}

/** Whether two byte arrays are equal (vitest's toEqual walks big arrays element by element, slowly). */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
	return a !== undefined && b !== undefined && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}
