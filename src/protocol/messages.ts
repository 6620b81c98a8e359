// Every message of docs/protocol.md in one table: its type byte, the bounds of its body, how the body
// is read and how it is written, beside the interface of the decoded message. The decoder and the
// encoder know only the header and this table, so a new message is one row here and its interface.
// Which way a message travels follows from its type byte (constants.SERVER_TO_DEVICE). Longer than 300
// lines on purpose: split, the wire format could no longer be read whole in one place.

import {
	DATAGRAM_MIN_BYTES, FRAME_FIELDS_BYTES, HEAP_UNKNOWN, ID_PATTERN, ID_RULE, MAX_ID_BYTES, MAX_JSON_BYTES, MAX_STRING_BYTES, NONCE_BYTES, PROOF_BYTES,
	RSSI_UNKNOWN, SHA256_BYTES, UPDATE_CHUNK_MAX,
} from "./constants";
import { readControls, type ControlDescription, type ControlSettings } from "./controls";
import {
	bad, checkUint, isObject, jsonBody, readJson, readString, readTime, stringBytes, writeString, writeTime,
} from "./fields";

/** device -> receiver, first message of every connection. */
export interface Hello {
	type: "hello";
	/** Capability bits (constants.HELLO_FLAG_*). */
	flags: number;
	id: string;
	firmware: string;
	board: string;
	sensor: string;
	width: number;
	height: number;
}

/**
 * device -> receiver. `jpeg` is a view valid only during the decoder's callback, unless the decoder
 * was made with `ownFrames` (decoder.ts): then it is the receiver's to keep.
 */
export interface Frame {
	type: "frame";
	/** Increments by one per frame sent on this connection (wraps at 2^32); gaps are frames lost on the way. */
	seq: number;
	/** Milliseconds since the Unix epoch, on the receiver's clock as the device estimates it from the welcome. */
	captureTime: number;
	width: number;
	height: number;
	jpeg: Uint8Array;
}

/** device -> receiver, every few seconds. Counters are totals since the device started. */
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

/** The answer to one control message: every key of the request is in exactly one of the three. */
export interface ControlAnswer {
	applied: ControlSettings;
	/** Stored, takes effect at the next start of the device (a frame size). */
	pending: ControlSettings;
	/** Key -> why it was refused. */
	refused: { [key: string]: string };
}

/** device -> receiver. */
export interface ControlResult extends ControlAnswer {
	type: "controlResult";
	requestId: number;
}

export interface Pong {
	type: "pong";
	token: number;
}

/** device -> receiver, right after a hello with HELLO_FLAG_CAPABILITIES: the settings the camera takes. */
export interface Capabilities {
	type: "capabilities";
	controls: ControlDescription[];
}

/** receiver -> device, the answer to a hello. */
export interface Welcome {
	type: "welcome";
	/** The receiver's clock (ms since the epoch) when it sent this. */
	serverTime: number;
	/** The receiver pings at this interval (ms); a device that hears nothing for three of them reconnects. */
	pingInterval: number;
	/** The largest message body the receiver accepts; a device drops larger frames instead of sending them. */
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

/**
 * receiver -> device, the answer to a hello with HELLO_FLAG_AUTH: the receiver's nonce (auth.ts says
 * what each side proves and how).
 */
export interface Challenge {
	type: "challenge";
	nonce: Uint8Array;
}

/** device -> receiver, the answer to a challenge: the device's nonce and its proof. */
export interface Auth {
	type: "auth";
	nonce: Uint8Array;
	proof: Uint8Array;
}

/** receiver -> device, before the welcome of an authenticated device: the receiver's proof. */
export interface Accepted {
	type: "accepted";
	proof: Uint8Array;
}

/**
 * receiver -> device, to a device whose hello set HELLO_FLAG_UPDATES: a firmware image of `size` bytes
 * whose SHA-256 is `sha256`, to come in chunks of at most `chunkSize` bytes, each after the device's
 * status asks for it; `proof` signs it under the camera's key for this connection (auth.ts offerTerms).
 */
export interface UpdateOffer {
	type: "updateOffer";
	size: number;
	chunkSize: number;
	sha256: Uint8Array;
	proof: Uint8Array;
	version: string;
}

/** receiver -> device: the image's bytes from `offset`. `bytes` is a view valid only during the decoder's callback. */
export interface UpdateChunk {
	type: "updateChunk";
	offset: number;
	bytes: Uint8Array;
}

/**
 * What the device says of an update, in order: "ready" (send from `offset`, 0), "written" (every byte
 * before `offset` is written: send the next chunk), "verified" (all of it, and its SHA-256 matches: the
 * device restarts into it), or "failed" (`reason`; the running firmware is untouched).
 */
export const UPDATE_STATES = ["ready", "written", "verified", "failed"] as const;
export type UpdateState = typeof UPDATE_STATES[number];

/**
 * receiver -> device, before the welcome of a device whose hello set HELLO_FLAG_DATAGRAMS: send frames
 * as datagrams (datagram.ts) to `port` of the address this connection reached, on `channel`, none
 * longer than `datagramBytes` (the UDP payload, header and MAC included).
 */
export interface Datagrams {
	type: "datagrams";
	port: number;
	channel: number;
	datagramBytes: number;
}

/**
 * receiver -> device, every second while frames come as datagrams: totals since the welcome, so a
 * report says what the receiver made of every datagram before it. The device paces its frames to them.
 */
export interface DatagramReport {
	type: "datagramReport";
	/** Frames whose every datagram came, in time, and were taken. */
	completed: number;
	/** Frames numbered but never completed: a datagram lost, or late past the reassembly deadline. */
	lost: number;
	/** Datagrams on this channel refused: a MAC that does not hold, a frame already taken or given up, bad fields. */
	rejected: number;
	/** Interarrival jitter of whole frames (RFC 3550, section 6.4.1, on capture times), microseconds. */
	jitter: number;
}

/** device -> receiver, the answer to each update offer and chunk. */
export interface UpdateStatus {
	type: "updateStatus";
	state: UpdateState;
	offset: number;
	/** Why it failed; "" otherwise. */
	reason: string;
}

export type DeviceMessage = Hello | Frame | Stats | ControlResult | Pong | Capabilities | Auth | UpdateStatus;
export type ServerMessage = Welcome | Ping | Control | Challenge | Accepted | UpdateOffer | UpdateChunk | Datagrams | DatagramReport;
export type Message = DeviceMessage | ServerMessage;
export type MessageName = Message["type"];

/** A body ready to be written: its length, known before the message is allocated. */
export interface BodyWriter {
	readonly length: number;
	write(bytes: Uint8Array, view: DataView, at: number): void;
}

export interface Codec<M extends Message> {
	readonly code: number;
	/** [smallest, largest] body; Infinity: only the decoder's limit bounds it (frames). */
	readonly body: readonly [number, number];
	/** Throws XSCAM_ERR_BAD_BODY (fields.bad) for a body that does not parse exactly. */
	read(body: Uint8Array, view: DataView): M;
	/** Checks every field (a RangeError names one that is wrong) and returns the body to write. */
	prepare(message: M): BodyWriter;
}

const HELLO_STRINGS = ["id", "firmware", "board", "sensor"] as const;
const STATS_COUNTERS = ["uptime", "captured", "sent", "dropped", "reconnects"] as const;
const REPORT_COUNTERS = ["completed", "lost", "rejected", "jitter"] as const;

function settingsOf(name: string, value: unknown): ControlSettings {
	if (!isObject(value)) throw bad(name, "settings must be an object");
	const settings: ControlSettings = Object.create(null); // a key "__proto__" stays a plain key
	for (const key in value) {
		const item = value[key];
		if (typeof item !== "number" && typeof item !== "string") throw bad(name, key + " must be a number or a string");
		settings[key] = item;
	}
	return settings;
}

/** A body of fixed-size byte fields, in order; reading copies them (they outlive the chunk). */
function bytesCodec<M extends Challenge | Auth | Accepted>(code: number, type: M["type"], fields: readonly (keyof M & string)[], sizes: readonly number[]): Codec<M> {
	const length = sizes.reduce((sum, size) => sum + size, 0);
	return {
		code, body: [length, length],
		read(body) {
			const message: { [key: string]: unknown } = { type };
			let offset = 0;
			fields.forEach((field, i) => {
				message[field] = body.slice(offset, offset + sizes[i]);
				offset += sizes[i];
			});
			return message as unknown as M;
		},
		prepare(message) {
			fields.forEach((field, i) => {
				const value = message[field] as unknown as Uint8Array;
				if (!(value instanceof Uint8Array) || value.byteLength !== sizes[i]) throw new RangeError(field + " must be " + sizes[i] + " bytes");
			});
			return {
				length,
				write(bytes, _view, at) {
					fields.forEach((field, i) => {
						bytes.set(message[field] as unknown as Uint8Array, at);
						at += sizes[i];
					});
				},
			};
		},
	};
}

function token<M extends Pong | Ping>(code: number, type: M["type"]): Codec<M> {
	return {
		code, body: [4, 4],
		read: (_body, view) => ({ type, token: view.getUint32(0) }) as M,
		prepare(message) {
			checkUint("token", message.token, 0xffffffff);
			return { length: 4, write: (_bytes, view, at) => view.setUint32(at, message.token) };
		},
	};
}

export const CODECS: { readonly [N in MessageName]: Codec<Extract<Message, { type: N }>> } = {
	hello: {
		// flags, width, height, then the four strings: an id of 1..MAX_ID_BYTES and three of 0..MAX_STRING_BYTES
		code: 0x01, body: [5 + 2 + 3, 5 + 1 + MAX_ID_BYTES + 3 * (1 + MAX_STRING_BYTES)],
		read(body, view) {
			const strings: string[] = [];
			const next = [5];
			for (const name of HELLO_STRINGS) strings.push(readString("hello " + name, body, next[0], next));
			if (next[0] !== body.byteLength) throw bad("hello", (body.byteLength - next[0]) + " trailing bytes");
			const id = strings[0];
			if (id.length > MAX_ID_BYTES || !ID_PATTERN.test(id)) throw bad("hello", "id must be " + ID_RULE);
			return {
				type: "hello", flags: view.getUint8(0), width: view.getUint16(1), height: view.getUint16(3),
				id, firmware: strings[1], board: strings[2], sensor: strings[3],
			};
		},
		prepare(message) {
			let length = 5;
			for (const name of HELLO_STRINGS) length += stringBytes(name, message[name]);
			checkUint("flags", message.flags, 0xff);
			checkUint("width", message.width, 0xffff);
			checkUint("height", message.height, 0xffff);
			return {
				length,
				write(bytes, view, at) {
					view.setUint8(at, message.flags);
					view.setUint16(at + 1, message.width);
					view.setUint16(at + 3, message.height);
					let offset = at + 5;
					for (const name of HELLO_STRINGS) offset = writeString(bytes, offset, message[name]);
				},
			};
		},
	},
	frame: {
		code: 0x02, body: [FRAME_FIELDS_BYTES + 1, Infinity],
		read: (body, view) => ({
			type: "frame", seq: view.getUint32(0), captureTime: readTime("frame capture time", view, 4),
			width: view.getUint16(12), height: view.getUint16(14), jpeg: body.subarray(FRAME_FIELDS_BYTES),
		}),
		prepare(message) {
			checkUint("seq", message.seq, 0xffffffff);
			checkUint("width", message.width, 0xffff);
			checkUint("height", message.height, 0xffff);
			checkUint("JPEG length", message.jpeg.byteLength, 0xffffffff - FRAME_FIELDS_BYTES);
			return {
				length: FRAME_FIELDS_BYTES + message.jpeg.byteLength,
				write(bytes, view, at) {
					view.setUint32(at, message.seq);
					writeTime(view, at + 4, message.captureTime);
					view.setUint16(at + 12, message.width);
					view.setUint16(at + 14, message.height);
					bytes.set(message.jpeg, at + FRAME_FIELDS_BYTES);
				},
			};
		},
	},
	stats: {
		code: 0x03, body: [27, 27],
		read(_body, view) {
			const rssi = view.getInt8(22);
			const freeHeap = view.getUint32(23);
			return {
				type: "stats", uptime: view.getUint32(0), captured: view.getUint32(4), sent: view.getUint32(8),
				dropped: view.getUint32(12), reconnects: view.getUint32(16), fps: view.getUint16(20) / 100,
				rssi: rssi === RSSI_UNKNOWN ? undefined : rssi, freeHeap: freeHeap === HEAP_UNKNOWN ? undefined : freeHeap,
			};
		},
		prepare(message) {
			for (const name of STATS_COUNTERS) checkUint(name, message[name], 0xffffffff);
			const centiFps = Math.round(message.fps * 100);
			checkUint("fps x 100", centiFps, 0xffff);
			if (message.rssi !== undefined && !(message.rssi >= -128 && message.rssi < RSSI_UNKNOWN))
				throw new RangeError("rssi must be -128..126 dBm");
			if (message.freeHeap !== undefined) checkUint("freeHeap", message.freeHeap, HEAP_UNKNOWN - 1);
			return {
				length: 27,
				write(_bytes, view, at) {
					STATS_COUNTERS.forEach((name, i) => view.setUint32(at + i * 4, message[name]));
					view.setUint16(at + 20, centiFps);
					view.setInt8(at + 22, message.rssi === undefined ? RSSI_UNKNOWN : Math.round(message.rssi));
					view.setUint32(at + 23, message.freeHeap === undefined ? HEAP_UNKNOWN : message.freeHeap);
				},
			};
		},
	},
	controlResult: {
		code: 0x04, body: [2 + 2, MAX_JSON_BYTES],
		read(body, view) {
			const result = readJson("controlResult", body, 2);
			const refused = settingsOf("controlResult", result.refused);
			for (const key in refused)
				if (typeof refused[key] !== "string") throw bad("controlResult", "refused." + key + " must be a reason string");
			return {
				type: "controlResult", requestId: view.getUint16(0), applied: settingsOf("controlResult", result.applied),
				pending: settingsOf("controlResult", result.pending), refused: refused as { [key: string]: string },
			};
		},
		prepare: (message) => jsonBody(JSON.stringify({ applied: message.applied, pending: message.pending, refused: message.refused }), message.requestId),
	},
	pong: token<Pong>(0x05, "pong"),
	auth: bytesCodec<Auth>(0x06, "auth", ["nonce", "proof"], [NONCE_BYTES, PROOF_BYTES]),
	capabilities: {
		code: 0x07, body: [2, MAX_JSON_BYTES],
		read: (body) => ({ type: "capabilities", controls: readControls(readJson("capabilities", body, 0).controls) }),
		prepare: (message) => jsonBody(JSON.stringify({ controls: message.controls })),
	},
	updateStatus: {
		code: 0x08, body: [1 + 4 + 1, 1 + 4 + 1 + MAX_STRING_BYTES],
		read(body, view) {
			const state = UPDATE_STATES[view.getUint8(0) - 1];
			if (state === undefined) throw bad("updateStatus", "state " + view.getUint8(0) + " is not 1.." + UPDATE_STATES.length);
			const next = [5];
			const reason = readString("updateStatus reason", body, 5, next);
			if (next[0] !== body.byteLength) throw bad("updateStatus", (body.byteLength - next[0]) + " trailing bytes");
			return { type: "updateStatus", state, offset: view.getUint32(1), reason };
		},
		prepare(message) {
			const code = UPDATE_STATES.indexOf(message.state) + 1;
			if (code === 0) throw new RangeError("state must be one of " + UPDATE_STATES.join(", "));
			checkUint("offset", message.offset, 0xffffffff);
			const length = 5 + stringBytes("reason", message.reason);
			return {
				length,
				write(bytes, view, at) {
					view.setUint8(at, code);
					view.setUint32(at + 1, message.offset);
					writeString(bytes, at + 5, message.reason);
				},
			};
		},
	},
	welcome: {
		code: 0x81, body: [16, 16],
		read: (_body, view) => ({ type: "welcome", serverTime: readTime("welcome server time", view, 0), pingInterval: view.getUint32(8), maxBodyBytes: view.getUint32(12) }),
		prepare(message) {
			checkUint("pingInterval", message.pingInterval, 0xffffffff);
			checkUint("maxBodyBytes", message.maxBodyBytes, 0xffffffff);
			return {
				length: 16,
				write(_bytes, view, at) {
					writeTime(view, at, message.serverTime);
					view.setUint32(at + 8, message.pingInterval);
					view.setUint32(at + 12, message.maxBodyBytes);
				},
			};
		},
	},
	ping: token<Ping>(0x82, "ping"),
	challenge: bytesCodec<Challenge>(0x84, "challenge", ["nonce"], [NONCE_BYTES]),
	accepted: bytesCodec<Accepted>(0x85, "accepted", ["proof"], [PROOF_BYTES]),
	updateOffer: {
		// size, chunk size, SHA-256, proof, then the version string
		code: 0x86, body: [4 + 4 + SHA256_BYTES + PROOF_BYTES + 1, 4 + 4 + SHA256_BYTES + PROOF_BYTES + 1 + MAX_STRING_BYTES],
		read(body, view) {
			const next = [8 + SHA256_BYTES + PROOF_BYTES];
			const version = readString("updateOffer version", body, next[0], next);
			if (next[0] !== body.byteLength) throw bad("updateOffer", (body.byteLength - next[0]) + " trailing bytes");
			const chunkSize = view.getUint32(4);
			if (chunkSize === 0 || chunkSize > UPDATE_CHUNK_MAX) throw bad("updateOffer", "chunk size " + chunkSize + " is not 1.." + UPDATE_CHUNK_MAX);
			const proofAt = 8 + SHA256_BYTES;
			return { type: "updateOffer", size: view.getUint32(0), chunkSize, sha256: body.slice(8, proofAt), proof: body.slice(proofAt, proofAt + PROOF_BYTES), version };
		},
		prepare(message) {
			checkUint("size", message.size, 0xffffffff);
			checkUint("chunkSize", message.chunkSize, UPDATE_CHUNK_MAX);
			if (message.chunkSize === 0) throw new RangeError("chunkSize must be 1.." + UPDATE_CHUNK_MAX);
			if (!(message.sha256 instanceof Uint8Array) || message.sha256.byteLength !== SHA256_BYTES) throw new RangeError("sha256 must be " + SHA256_BYTES + " bytes");
			if (!(message.proof instanceof Uint8Array) || message.proof.byteLength !== PROOF_BYTES) throw new RangeError("proof must be " + PROOF_BYTES + " bytes");
			return {
				length: 8 + SHA256_BYTES + PROOF_BYTES + stringBytes("version", message.version),
				write(bytes, view, at) {
					view.setUint32(at, message.size);
					view.setUint32(at + 4, message.chunkSize);
					bytes.set(message.sha256, at + 8);
					bytes.set(message.proof, at + 8 + SHA256_BYTES);
					writeString(bytes, at + 8 + SHA256_BYTES + PROOF_BYTES, message.version);
				},
			};
		},
	},
	updateChunk: {
		code: 0x87, body: [4 + 1, 4 + UPDATE_CHUNK_MAX],
		read: (body, view) => ({ type: "updateChunk", offset: view.getUint32(0), bytes: body.subarray(4) }),
		prepare(message) {
			checkUint("offset", message.offset, 0xffffffff);
			const { byteLength } = message.bytes;
			if (byteLength === 0 || byteLength > UPDATE_CHUNK_MAX) throw new RangeError("a chunk must be 1.." + UPDATE_CHUNK_MAX + " bytes");
			return {
				length: 4 + byteLength,
				write(bytes, view, at) {
					view.setUint32(at, message.offset);
					bytes.set(message.bytes, at + 4);
				},
			};
		},
	},
	datagrams: {
		code: 0x88, body: [8, 8],
		read(_body, view) {
			const datagramBytes = view.getUint16(6);
			if (datagramBytes < DATAGRAM_MIN_BYTES) throw bad("datagrams", "datagram size " + datagramBytes + " is under " + DATAGRAM_MIN_BYTES);
			return { type: "datagrams", port: view.getUint16(0), channel: view.getUint32(2), datagramBytes };
		},
		prepare(message) {
			checkUint("port", message.port, 0xffff);
			checkUint("channel", message.channel, 0xffffffff);
			checkUint("datagramBytes", message.datagramBytes, 0xffff);
			if (message.datagramBytes < DATAGRAM_MIN_BYTES) throw new RangeError("datagramBytes must be at least " + DATAGRAM_MIN_BYTES);
			return {
				length: 8,
				write(_bytes, view, at) {
					view.setUint16(at, message.port);
					view.setUint32(at + 2, message.channel);
					view.setUint16(at + 6, message.datagramBytes);
				},
			};
		},
	},
	datagramReport: {
		code: 0x89, body: [16, 16],
		read: (_body, view) => ({
			type: "datagramReport", completed: view.getUint32(0), lost: view.getUint32(4), rejected: view.getUint32(8), jitter: view.getUint32(12),
		}),
		prepare(message) {
			for (const name of REPORT_COUNTERS) checkUint(name, message[name], 0xffffffff);
			return { length: 16, write: (_bytes, view, at) => REPORT_COUNTERS.forEach((name, i) => view.setUint32(at + i * 4, message[name])) };
		},
	},
	control: {
		code: 0x83, body: [2 + 2, MAX_JSON_BYTES],
		read: (body, view) => ({ type: "control", requestId: view.getUint16(0), settings: settingsOf("control", readJson("control", body, 2)) }),
		prepare: (message) => jsonBody(JSON.stringify(message.settings), message.requestId),
	},
};

/** Derived from CODECS, never typed out twice: type byte -> message name. */
export const NAME_OF_TYPE: { readonly [code: number]: MessageName } = {};
for (const name of Object.keys(CODECS) as MessageName[])
	(NAME_OF_TYPE as { [code: number]: MessageName })[CODECS[name].code] = name;
