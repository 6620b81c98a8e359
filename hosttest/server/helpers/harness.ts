// A receiver on loopback port 0 with a manual clock and its log lines captured, and small waiting tools.

import pino from "pino";
import { createReceiver } from "../../../server/receiver";
import type { Receiver } from "../../../server/receiver";
import type { ReceiverOptions } from "../../../server/options";
import { ManualClock } from "./manual-clock";
import { TEST_KEYS } from "./test-keys";

export interface LogLine {
	level: number;
	msg: string;
	camera?: string;
	remote?: string;
	code?: string;
	[field: string]: unknown;
}

/**
 * How far the slow-viewer tests move the clock per frame once a viewer is behind: a second, so the stall
 * timeout passes over many frames and samples, as it does at any real frame rate. One jump of the whole
 * timeout lets a sample that meets a fast viewer's last bytes still unacknowledged (loopback delays its
 * ACKs by real milliseconds) judge it stalled too.
 */
export const SECOND_PER_FRAME = 1000;

export const WARN = 40;
export const ERROR = 50;

export interface Harness {
	receiver: Receiver;
	clock: ManualClock;
	lines: LogLine[];
	ingestPort: number;
	httpPort: number;
	rtspPort: number;
	/** http://127.0.0.1:<port> */
	base: string;
	close(): Promise<void>;
}

export function captureLog(): { logger: pino.Logger; lines: LogLine[] } {
	const lines: LogLine[] = [];
	const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
	return { logger, lines };
}

export async function startReceiver(options: ReceiverOptions = {}): Promise<Harness> {
	const clock = new ManualClock();
	const { logger, lines } = captureLog();
	// Viewers need no credentials here unless a test says so (access.test.ts): these tests are about the rest.
	const receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger, clock, cameraKeys: TEST_KEYS, insecureViewers: true, ...options });
	const { ingestPort, httpPort, rtspPort } = await receiver.start();
	return { receiver, clock, lines, ingestPort, httpPort, rtspPort, base: "http://127.0.0.1:" + httpPort, close: () => receiver.close() };
}

/** A response's JSON body; the bodies are of known shapes, and `any` keeps the expectations readable. */
export const json = async (response: Response): Promise<any> => response.json();

/** POSTs `body` as JSON to the harness's receiver. */
export const postJson = (harness: Harness, path: string, body: unknown) =>
	fetch(harness.base + path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/**
 * Waits until `condition` holds, checking after each turn of the event loop. It asserts nothing about
 * time: the bound only turns a hang into a readable failure.
 */
export async function until(condition: () => boolean, what: string, turns = 20_000): Promise<void> {
	for (let turn = 0; turn < turns; turn++) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, turn < 100 ? 0 : 1));
	}
	throw new Error("gave up waiting for " + what);
}

/**
 * A JPEG-shaped payload of exactly `size` bytes (SOI, a scan of bytes that are never 0xFF, EOI): what
 * the receiver checks and the recorder's scanner walks, without the cost of encoding an image.
 */
export function syntheticJpeg(size: number, fill = 0x11): Buffer {
	if (fill === 0xff) throw new RangeError("0xFF would be a marker inside the scan");
	const bytes = Buffer.alloc(size, fill);
	bytes.set([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02], 0);
	bytes.set([0xff, 0xd9], size - 2);
	return bytes;
}
