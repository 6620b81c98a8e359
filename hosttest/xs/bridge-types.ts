// What crosses between the XS engine and Node, both ways. Types only: the XS side (runtime/) and the
// Node side (xs-device.ts) both import them, and nothing of this file runs.
//
// XS -> Node: what needs no answer (trace text, a connection opened, bytes written, flow control, a
// close) is posted: XS queues it and sends the queue, in order, with its next message to Node, so a crank
// crosses to Node once for all of it, usually at its end. A question (a capture, a name to resolve) is a
// call: one issueCommand carrying the posted queue and the question, answered at once. Either way the
// message is a `Posting`: a big-endian u32 length, that many bytes of JSON, then the posted payloads
// back to back (copied natively by XS, so the copy is not metered), then the question's own, if any.
//
// Node -> XS: each crank is handleCommand(ArrayBuffer): a big-endian u32 length, that many bytes of a
// JSON `Crank`, then the bytes of its data events; XS reads them as views, without copying. The crank's
// reply is a Posting too: what XS posted during the crank, with the report when one was asked for.

import type { ConfigSource } from "../host/board";
import type { AccessPointOptions, RadioOptions } from "../host/radio";

/** What XS tells Node without waiting for an answer, in the order it happened. */
export type PostedOp =
	/** The firmware's trace() text. */
	| { op: "trace"; text: string }
	| { op: "connect"; wire: number; address: string; port: number }
	/** `length` bytes of the posting's payloads, the next after the previous write's. */
	| { op: "write"; wire: number; length: number }
	| { op: "receiving"; wire: number; receiving: boolean }
	/** A UDP datagram the firmware sent: `length` bytes of the posting's payloads, as a write's. */
	| { op: "datagram"; address: string; port: number; length: number }
	| { op: "close"; wire: number };

/** What XS asks Node, waiting for the answer. */
export type BridgeCall =
	/** Reply: the JPEG of frame `frame`. */
	| { op: "capture"; width: number; height: number; frame: number; time: number }
	/** Reply: the IPv4 address, or nothing. */
	| { op: "resolve"; host: string }
	/** The bytes to hash are the posting's last payload. Reply: the digest. */
	| { op: "digest"; name: string };

/** The JSON of one message from XS to Node. */
export interface Posting {
	posted: PostedOp[];
	/** A question to answer now (only in an issueCommand). */
	call?: BridgeCall;
	/** The report a crank asked for (only in a crank's reply). */
	report?: XsReport;
}

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
	/** The sensor's state (modules/sim/camera/sensor-models.ts). */
	sensor: import("../../modules/sim/camera/sensor-models").SensorRegisters;
	/** Timers armed on the virtual clock. */
	timers: number;
}
