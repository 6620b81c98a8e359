// Encodes messages to bytes (docs/protocol.md). Big-endian throughout.
// A frame's JPEG is never copied on the device: FrameHeaderEncoder fills a reusable 24-byte header and
// the caller writes the JPEG after it, as it is. encode() builds any whole message (it copies a frame's
// JPEG; the receiver's tests and tools use it).

import {
	FRAME_FIELDS_BYTES, FRAME_HEADER_BYTES, HEADER_BYTES, HEAP_UNKNOWN, MAGIC_0, MAGIC_1, MAX_STRING_BYTES,
	RSSI_UNKNOWN, TYPE, VERSION,
} from "./constants";
import type { Message } from "./types";
import { utf8Length, writeUtf8 } from "./utf8";

const TWO_32 = 4294967296;

function checkUint(name: string, value: number, max: number): void {
	if (!(value >= 0 && value <= max && Math.floor(value) === value))
		throw new RangeError(name + " must be an integer 0.." + max);
}

function writeHeader(view: DataView, type: number, bodyLength: number): void {
	view.setUint8(0, MAGIC_0);
	view.setUint8(1, MAGIC_1);
	view.setUint8(2, VERSION);
	view.setUint8(3, type);
	view.setUint32(4, bodyLength);
}

/** Milliseconds up to 2^53 as two u32 words (no BigInt: it would allocate per frame). */
function writeTime(view: DataView, offset: number, time: number): void {
	checkUint("time", time, Number.MAX_SAFE_INTEGER);
	view.setUint32(offset, Math.floor(time / TWO_32));
	view.setUint32(offset + 4, time % TWO_32);
}

export class FrameHeaderEncoder {
	readonly #bytes = new Uint8Array(FRAME_HEADER_BYTES);
	readonly #view = new DataView(this.#bytes.buffer);

	/**
	 * Fills the header of a frame whose JPEG is `jpegByteLength` bytes. The returned bytes belong to this
	 * encoder and are overwritten by the next call: write them before encoding the next frame.
	 */
	encode(seq: number, captureTime: number, width: number, height: number, jpegByteLength: number): Uint8Array {
		const view = this.#view;
		checkUint("seq", seq, 0xffffffff);
		checkUint("width", width, 0xffff);
		checkUint("height", height, 0xffff);
		checkUint("JPEG length", jpegByteLength, 0xffffffff - FRAME_FIELDS_BYTES);
		writeHeader(view, TYPE.frame, FRAME_FIELDS_BYTES + jpegByteLength);
		view.setUint32(8, seq);
		writeTime(view, 12, captureTime);
		view.setUint16(20, width);
		view.setUint16(22, height);
		return this.#bytes;
	}
}

function message(type: number, bodyLength: number): { bytes: Uint8Array; view: DataView } {
	const bytes = new Uint8Array(HEADER_BYTES + bodyLength);
	const view = new DataView(bytes.buffer);
	writeHeader(view, type, bodyLength);
	return { bytes, view };
}

function stringBytes(name: string, text: string): number {
	const length = utf8Length(text);
	if (length > MAX_STRING_BYTES) throw new RangeError(name + " longer than " + MAX_STRING_BYTES + " bytes");
	return length;
}

function jsonMessage(type: number, requestId: number, body: object): Uint8Array {
	checkUint("requestId", requestId, 0xffff);
	const json = JSON.stringify(body);
	const { bytes, view } = message(type, 2 + utf8Length(json));
	view.setUint16(HEADER_BYTES, requestId);
	writeUtf8(bytes, HEADER_BYTES + 2, json);
	return bytes;
}

function tokenMessage(type: number, token: number): Uint8Array {
	checkUint("token", token, 0xffffffff);
	const { bytes, view } = message(type, 4);
	view.setUint32(HEADER_BYTES, token);
	return bytes;
}

/** The whole message as new bytes. */
export function encode(msg: Message): Uint8Array {
	switch (msg.type) {
		case "hello": {
			const strings = [msg.id, msg.firmware, msg.board, msg.sensor];
			const names = ["id", "firmware", "board", "sensor"];
			let bodyLength = 5;
			for (let i = 0; i < strings.length; i++) bodyLength += 1 + stringBytes(names[i], strings[i]);
			checkUint("flags", msg.flags, 0xff);
			checkUint("width", msg.width, 0xffff);
			checkUint("height", msg.height, 0xffff);
			const { bytes, view } = message(TYPE.hello, bodyLength);
			view.setUint8(8, msg.flags);
			view.setUint16(9, msg.width);
			view.setUint16(11, msg.height);
			let offset = 13;
			for (const text of strings) {
				const end = writeUtf8(bytes, offset + 1, text);
				bytes[offset] = end - offset - 1;
				offset = end;
			}
			return bytes;
		}
		case "frame": {
			const header = new FrameHeaderEncoder().encode(msg.seq, msg.captureTime, msg.width, msg.height, msg.jpeg.byteLength);
			const bytes = new Uint8Array(FRAME_HEADER_BYTES + msg.jpeg.byteLength);
			bytes.set(header, 0);
			bytes.set(msg.jpeg, FRAME_HEADER_BYTES);
			return bytes;
		}
		case "stats": {
			const { bytes, view } = message(TYPE.stats, 27);
			const counters = [msg.uptime, msg.captured, msg.sent, msg.dropped, msg.reconnects];
			const names = ["uptime", "captured", "sent", "dropped", "reconnects"];
			for (let i = 0; i < counters.length; i++) {
				checkUint(names[i], counters[i], 0xffffffff);
				view.setUint32(8 + i * 4, counters[i]);
			}
			const centiFps = Math.round(msg.fps * 100);
			checkUint("fps x 100", centiFps, 0xffff);
			view.setUint16(28, centiFps);
			if (msg.rssi !== undefined && !(msg.rssi >= -128 && msg.rssi < RSSI_UNKNOWN))
				throw new RangeError("rssi must be -128..126 dBm");
			view.setInt8(30, msg.rssi === undefined ? RSSI_UNKNOWN : Math.round(msg.rssi));
			if (msg.freeHeap !== undefined) checkUint("freeHeap", msg.freeHeap, HEAP_UNKNOWN - 1);
			view.setUint32(31, msg.freeHeap === undefined ? HEAP_UNKNOWN : msg.freeHeap);
			return bytes;
		}
		case "controlResult":
			return jsonMessage(TYPE.controlResult, msg.requestId, { applied: msg.applied, pending: msg.pending, refused: msg.refused });
		case "control":
			return jsonMessage(TYPE.control, msg.requestId, msg.settings);
		case "pong":
			return tokenMessage(TYPE.pong, msg.token);
		case "ping":
			return tokenMessage(TYPE.ping, msg.token);
		case "welcome": {
			const { bytes, view } = message(TYPE.welcome, 16);
			writeTime(view, 8, msg.serverTime);
			checkUint("pingInterval", msg.pingInterval, 0xffffffff);
			checkUint("maxBodyBytes", msg.maxBodyBytes, 0xffffffff);
			view.setUint32(16, msg.pingInterval);
			view.setUint32(20, msg.maxBodyBytes);
			return bytes;
		}
	}
}
