// What crosses between the XS engine and Node, both ways. Types only: the XS side (runtime/) and the
// Node side (xs-device.ts) both import them, and nothing of this file runs.
//
// XS -> Node: a request is a JSON header sent with issueCommand(); `payloads` raw buffers follow, one
// issueCommand each, so bytes cross as they are (the copy happens in C and is not metered). Node
// answers every payload with nothing and the last message of a request with its reply.
//
// Node -> XS: each crank is handleCommand(ArrayBuffer): a big-endian u32 length, that many bytes of a
// JSON `Crank`, then the bytes of its data events; XS reads them as views, without copying.

import type { ConfigSource } from "../host/board";
import type { AccessPointOptions, RadioOptions } from "../host/radio";

export type BridgeRequest =
	/** The firmware's trace() text. */
	| { op: "trace"; text: string }
	/** Reply: the JPEG of frame `frame`. */
	| { op: "capture"; width: number; height: number; frame: number; time: number }
	/** Two payloads; reply: one byte, 1 when payload 0 equals bytes offset..offset+length of payload 1. */
	| { op: "same"; payloads: 2; offset: number; length: number }
	/** Reply: the IPv4 address, or nothing. */
	| { op: "resolve"; host: string }
	| { op: "connect"; wire: number; address: string; port: number }
	/** One payload: the bytes offset..offset+length of it are written. */
	| { op: "write"; wire: number; payloads: 1; offset: number; length: number }
	| { op: "receiving"; wire: number; receiving: boolean }
	| { op: "close"; wire: number };

export type WireEvent =
	| { wire: number; type: "connected" }
	/** Bytes offset..offset+length after the crank's JSON. */
	| { wire: number; type: "data"; offset: number; length: number }
	| { wire: number; type: "closed"; error: boolean };

export interface Crank {
	/** Events first, in order, then the clock moves on by `advance` ms, firing every timer due. */
	events: WireEvent[];
	advance: number;
	/** Then a full garbage collection, so the crank's slot count is what is live. */
	gc?: boolean;
	/** Then the crank returns an XsReport (JSON). */
	report?: boolean;
}

/** The board the XS side builds: the world of hosttest/host/board.ts, minus what lives in Node. */
export interface XsBoardOptions {
	config: ConfigSource;
	accessPoints: AccessPointOptions[];
	radio: RadioOptions;
	sensor: { model: string; fps: number };
	/** Free heap to report; absent acts as a release build. */
	freeMemory?: number;
	/** The TCP send buffer; the ESP32's 8 KB when absent. */
	tcpSendBuffer?: number;
	/** Date.now() when the board powers up, ms. */
	epoch: number;
}

/** What the XS side reports on request. */
export interface XsReport {
	now: number;
	/** Whether main() returned a device (false: it stopped, e.g. on a bad config). */
	running: boolean;
	cameraCounts: import("../host/board").CameraCounts;
	/** Timers armed on the virtual clock. */
	timers: number;
}
