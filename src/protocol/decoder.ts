// An incremental decoder (docs/protocol.md): push() bytes as they arrive, in chunks of any size; each
// complete message goes to onMessage. Every length is checked against its limit before anything is
// buffered, and at most one message is ever held. Bad input throws a coded error (errors.ts) and leaves
// the decoder clean for the next push, like mqtt-packet's parser.

import {
	HEADER_BYTES, HEAP_UNKNOWN, ID_PATTERN, MAGIC_0, MAGIC_1, MAX_CONTROL_BYTES, MAX_HELLO_BODY_BYTES, MAX_ID_BYTES,
	RSSI_UNKNOWN, SERVER_TO_DEVICE, TYPE_NAMES, VERSION, FRAME_FIELDS_BYTES,
} from "./constants";
import type { MessageName } from "./constants";
import { protocolError } from "./errors";
import type { ControlSettings, DeviceMessage, Message, ServerMessage } from "./types";
import { readUtf8 } from "./utf8";

/** [smallest, largest] body of each type; the frame's largest is the decoder's maxBodyBytes. */
const BODY_BYTES: { [name in MessageName]: [number, number] } = {
	hello: [5 + 4, MAX_HELLO_BODY_BYTES],
	frame: [FRAME_FIELDS_BYTES + 1, Infinity],
	stats: [27, 27],
	controlResult: [2 + 2, MAX_CONTROL_BYTES],
	pong: [4, 4],
	welcome: [16, 16],
	ping: [4, 4],
	control: [2 + 2, MAX_CONTROL_BYTES],
};

const TWO_32 = 4294967296;

export interface DecoderOptions<M extends Message> {
	/** Whose messages this decoder reads: "device" on the receiver, "server" on the device. */
	from: "device" | "server";
	/** Largest body accepted, checked before buffering. */
	maxBodyBytes: number;
	onMessage: (message: M) => void;
}

export class Decoder<M extends Message = Message> {
	readonly #fromServer: boolean;
	readonly #maxBodyBytes: number;
	readonly #onMessage: (message: M) => void;
	readonly #head = new Uint8Array(HEADER_BYTES);
	readonly #headView = new DataView(this.#head.buffer);
	#headFill = 0;
	#name: MessageName | undefined; // set while reading a body
	#body: Uint8Array | undefined; // a body that spans chunks, assembled here
	#bodyLength = 0;
	#bodyFill = 0;

	constructor(options: DecoderOptions<M>) {
		this.#fromServer = options.from === "server";
		this.#maxBodyBytes = options.maxBodyBytes;
		this.#onMessage = options.onMessage;
	}

	/**
	 * Decodes `chunk` (not kept after return unless a message spans chunks, then its bytes are copied).
	 * Returns how many bytes of a partial message are held. Throws a ProtocolError on bad input.
	 */
	push(chunk: Uint8Array): number {
		let offset = 0;
		try {
			while (offset < chunk.byteLength) {
				if (this.#name === undefined) {
					const take = Math.min(HEADER_BYTES - this.#headFill, chunk.byteLength - offset);
					this.#head.set(chunk.subarray(offset, offset + take), this.#headFill);
					this.#headFill += take;
					offset += take;
					if (this.#headFill < HEADER_BYTES) break;
					this.#readHeader();
					if (this.#bodyLength > chunk.byteLength - offset) {
						this.#body = new Uint8Array(this.#bodyLength);
						this.#bodyFill = 0;
					}
					else { // whole body in this chunk: decode a view of it, no copy
						const body = chunk.subarray(offset, offset + this.#bodyLength);
						offset += this.#bodyLength;
						this.#deliver(body);
					}
				}
				else {
					const body = this.#body!;
					const take = Math.min(this.#bodyLength - this.#bodyFill, chunk.byteLength - offset);
					body.set(chunk.subarray(offset, offset + take), this.#bodyFill);
					this.#bodyFill += take;
					offset += take;
					if (this.#bodyFill === this.#bodyLength) this.#deliver(body);
				}
			}
		}
		catch (error) {
			this.reset();
			throw error;
		}
		return this.#headFill + this.#bodyFill;
	}

	/** Forgets any partial message (a new connection starts with a new stream). */
	reset(): void {
		this.#headFill = 0;
		this.#name = undefined;
		this.#body = undefined;
		this.#bodyLength = 0;
		this.#bodyFill = 0;
	}

	#readHeader(): void {
		const head = this.#head;
		if (head[0] !== MAGIC_0 || head[1] !== MAGIC_1)
			throw protocolError("XSCAM_ERR_BAD_MAGIC", "got 0x" + hex(head[0]) + hex(head[1]));
		if (head[2] !== VERSION) throw protocolError("XSCAM_ERR_BAD_VERSION", "got " + head[2] + ", speak " + VERSION);
		const name = TYPE_NAMES[head[3]];
		if (name === undefined) throw protocolError("XSCAM_ERR_BAD_TYPE", "0x" + hex(head[3]));
		if (((head[3] & SERVER_TO_DEVICE) !== 0) !== this.#fromServer)
			throw protocolError("XSCAM_ERR_WRONG_DIRECTION", name + " from the " + (this.#fromServer ? "server" : "device"));
		const length = this.#headView.getUint32(4);
		const [min, max] = BODY_BYTES[name];
		const limit = Math.min(max, this.#maxBodyBytes);
		if (length > limit) throw protocolError("XSCAM_ERR_TOO_LARGE", name + " body of " + length + " bytes, limit " + limit);
		if (length < min) throw protocolError("XSCAM_ERR_BAD_BODY", name + " body of " + length + " bytes, needs " + min);
		this.#name = name;
		this.#bodyLength = length;
	}

	#deliver(body: Uint8Array): void {
		const message = parseBody(this.#name!, body) as M;
		this.reset(); // before the callback: it may push again, or throw
		this.#onMessage(message);
	}
}

function hex(byte: number): string {
	return (byte < 16 ? "0" : "") + byte.toString(16);
}

function bad(name: MessageName, detail: string): Error {
	return protocolError("XSCAM_ERR_BAD_BODY", name + ": " + detail);
}

function parseBody(name: MessageName, body: Uint8Array): Message {
	const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
	switch (name) {
		case "hello": {
			const strings: string[] = [];
			let offset = 5;
			for (let i = 0; i < 4; i++) {
				if (offset >= body.byteLength) throw bad(name, "truncated");
				const end = offset + 1 + body[offset];
				if (end > body.byteLength) throw bad(name, "string runs past the body");
				const text = readUtf8(body, offset + 1, end);
				if (text === undefined) throw bad(name, "invalid UTF-8");
				strings.push(text);
				offset = end;
			}
			if (offset !== body.byteLength) throw bad(name, (body.byteLength - offset) + " trailing bytes");
			const id = strings[0];
			if (id.length > MAX_ID_BYTES || !ID_PATTERN.test(id))
				throw bad(name, "id must be 1.." + MAX_ID_BYTES + " characters of A-Z a-z 0-9 _ . -, starting with a letter or digit");
			return {
				type: "hello", flags: view.getUint8(0), width: view.getUint16(1), height: view.getUint16(3),
				id, firmware: strings[1], board: strings[2], sensor: strings[3],
			};
		}
		case "frame":
			return {
				type: "frame", seq: view.getUint32(0), captureTime: view.getUint32(4) * TWO_32 + view.getUint32(8),
				width: view.getUint16(12), height: view.getUint16(14), jpeg: body.subarray(FRAME_FIELDS_BYTES),
			};
		case "stats": {
			const rssi = view.getInt8(22);
			const freeHeap = view.getUint32(23);
			return {
				type: "stats", uptime: view.getUint32(0), captured: view.getUint32(4), sent: view.getUint32(8),
				dropped: view.getUint32(12), reconnects: view.getUint32(16), fps: view.getUint16(20) / 100,
				rssi: rssi === RSSI_UNKNOWN ? undefined : rssi, freeHeap: freeHeap === HEAP_UNKNOWN ? undefined : freeHeap,
			};
		}
		case "controlResult": {
			const result = parseJson(name, body);
			const applied = settingsOf(name, result.applied);
			const pending = settingsOf(name, result.pending);
			const refused = settingsOf(name, result.refused);
			for (const key in refused)
				if (typeof refused[key] !== "string") throw bad(name, "refused." + key + " must be a reason string");
			return { type: "controlResult", requestId: view.getUint16(0), applied, pending, refused: refused as { [key: string]: string } };
		}
		case "control":
			return { type: "control", requestId: view.getUint16(0), settings: settingsOf(name, parseJson(name, body)) };
		case "pong":
		case "ping":
			return { type: name, token: view.getUint32(0) };
		case "welcome":
			return {
				type: "welcome", serverTime: view.getUint32(0) * TWO_32 + view.getUint32(4),
				pingInterval: view.getUint32(8), maxBodyBytes: view.getUint32(12),
			};
	}
}

/** The JSON object after a u16 request id. */
function parseJson(name: MessageName, body: Uint8Array): { [key: string]: unknown } {
	const text = readUtf8(body, 2, body.byteLength);
	if (text === undefined) throw bad(name, "invalid UTF-8");
	let value: unknown;
	try {
		value = JSON.parse(text);
	}
	catch {
		throw bad(name, "invalid JSON");
	}
	if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(name, "JSON must be an object");
	return value as { [key: string]: unknown };
}

function settingsOf(name: MessageName, value: unknown): ControlSettings {
	if (typeof value !== "object" || value === null || Array.isArray(value)) throw bad(name, "settings must be an object");
	const settings: ControlSettings = Object.create(null); // a key "__proto__" stays a plain key
	for (const key in value) {
		const item = (value as { [key: string]: unknown })[key];
		if (typeof item !== "number" && typeof item !== "string") throw bad(name, key + " must be a number or a string");
		settings[key] = item;
	}
	return settings;
}

export type DeviceDecoder = Decoder<DeviceMessage>;
export type ServerDecoder = Decoder<ServerMessage>;
