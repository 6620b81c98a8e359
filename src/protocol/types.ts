// Decoded messages: one discriminated union on `type`, the names of constants.TYPE.

/** Control values are JSON numbers or strings (a frame size is a name such as "VGA"). */
export type ControlValue = number | string;
export type ControlSettings = { [key: string]: ControlValue };

/** device -> server, first message of every connection. */
export interface Hello {
	type: "hello";
	/** Capability bits (constants.HELLO_FLAG_*); 0 in v1. */
	flags: number;
	id: string;
	firmware: string;
	board: string;
	sensor: string;
	width: number;
	height: number;
}

/** device -> server. `jpeg` is a view that is valid only during the decoder's callback: copy what you keep. */
export interface Frame {
	type: "frame";
	/** Increments by one per frame sent on this connection (wraps at 2^32); gaps are frames lost on the way. */
	seq: number;
	/** Milliseconds since the Unix epoch, on the server's clock as the device estimates it from the welcome. */
	captureTime: number;
	width: number;
	height: number;
	jpeg: Uint8Array;
}

/** device -> server, every few seconds. Counters are totals since the device started. */
export interface Stats {
	type: "stats";
	uptime: number;
	captured: number;
	sent: number;
	dropped: number;
	reconnects: number;
	/** Frames sent per second over the last interval, to 1/100. */
	fps: number;
	/** dBm; undefined when the device does not know (not joined). */
	rssi: number | undefined;
	/** Bytes; undefined when the build has no instrumentation (release builds). */
	freeHeap: number | undefined;
}

/** device -> server: the answer to one control message. Every key of the request is in exactly one of the three. */
export interface ControlResult {
	type: "controlResult";
	requestId: number;
	applied: ControlSettings;
	/** Stored, takes effect at the next start of the device (a frame size). */
	pending: ControlSettings;
	/** Key -> why it was refused. */
	refused: { [key: string]: string };
}

export interface Pong {
	type: "pong";
	token: number;
}

/** server -> device, the answer to a hello. */
export interface Welcome {
	type: "welcome";
	/** The server's clock (ms since the epoch) when it sent this. */
	serverTime: number;
	/** The server pings at this interval (ms); a device that hears nothing for three of them reconnects. */
	pingInterval: number;
	/** The largest message body the server accepts; a device drops larger frames instead of sending them. */
	maxBodyBytes: number;
}

export interface Ping {
	type: "ping";
	token: number;
}

export interface Control {
	type: "control";
	requestId: number;
	settings: ControlSettings;
}

export type DeviceMessage = Hello | Frame | Stats | ControlResult | Pong;
export type ServerMessage = Welcome | Ping | Control;
export type Message = DeviceMessage | ServerMessage;
