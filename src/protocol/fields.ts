// The field types message bodies are made of (docs/protocol.md, "Bodies"): unsigned integers checked
// before they are written, times in two 32-bit words, strings with a one-byte length, and JSON objects.
// Reading a field that is wrong throws a coded XSCAM_ERR_BAD_BODY; writing one throws a RangeError
// that names it.

import { MAX_STRING_BYTES } from "./constants";
import { protocolError, type ProtocolError } from "./errors";
import { readUtf8, utf8Length, writeUtf8 } from "./utf8";

const TWO_32 = 4294967296;
const MAX_TIME_HIGH = Math.floor(Number.MAX_SAFE_INTEGER / TWO_32); // 0x1fffff

export function bad(name: string, detail: string): ProtocolError {
	return protocolError("XSCAM_ERR_BAD_BODY", name + ": " + detail);
}

export function checkUint(name: string, value: number, max: number): void {
	if (!(value >= 0 && value <= max && Math.floor(value) === value))
		throw new RangeError(name + " must be an integer 0.." + max);
}

/** Milliseconds up to 2^53 as two u32 words (no BigInt: it would allocate per frame). */
export function writeTime(view: DataView, offset: number, time: number): void {
	checkUint("time", time, Number.MAX_SAFE_INTEGER);
	view.setUint32(offset, Math.floor(time / TWO_32));
	view.setUint32(offset + 4, time % TWO_32);
}

/** Past 2^53 a number would round: such a time is refused, not read wrong. */
export function readTime(name: string, view: DataView, offset: number): number {
	const high = view.getUint32(offset);
	if (high > MAX_TIME_HIGH) throw bad(name, "time past 2^53 - 1");
	return high * TWO_32 + view.getUint32(offset + 4);
}

/** The bytes a string field takes, its length byte included; RangeError past MAX_STRING_BYTES. */
export function stringBytes(name: string, text: string): number {
	const length = utf8Length(text);
	if (length > MAX_STRING_BYTES) throw new RangeError(name + " longer than " + MAX_STRING_BYTES + " bytes");
	return 1 + length;
}

/** Writes a length-prefixed string at `offset`; returns the offset after it. */
export function writeString(bytes: Uint8Array, offset: number, text: string): number {
	const end = writeUtf8(bytes, offset + 1, text);
	bytes[offset] = end - offset - 1;
	return end;
}

/** Reads a length-prefixed string at `offset`; `into[0]` gets the offset after it. */
export function readString(name: string, body: Uint8Array, offset: number, into: number[]): string {
	if (offset >= body.byteLength) throw bad(name, "truncated");
	const end = offset + 1 + body[offset];
	if (end > body.byteLength) throw bad(name, "string runs past the body");
	const text = readUtf8(body, offset + 1, end);
	if (text === undefined) throw bad(name, "invalid UTF-8");
	into[0] = end;
	return text;
}

export type JsonObject = { [key: string]: unknown };

/** The JSON object in body[start..]; XSCAM_ERR_BAD_BODY when it is not UTF-8 JSON of an object. */
export function readJson(name: string, body: Uint8Array, start: number): JsonObject {
	const text = readUtf8(body, start, body.byteLength);
	if (text === undefined) throw bad(name, "invalid UTF-8");
	let value: unknown;
	try {
		value = JSON.parse(text);
	}
	catch {
		throw bad(name, "invalid JSON");
	}
	if (!isObject(value)) throw bad(name, "JSON must be an object");
	return value;
}

export function isObject(value: unknown): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A body that is a u16 request id (or none) and a JSON object. */
export function jsonBody(json: string, requestId?: number): { length: number; write(bytes: Uint8Array, view: DataView, at: number): void } {
	const head = requestId === undefined ? 0 : 2;
	if (requestId !== undefined) checkUint("requestId", requestId, 0xffff);
	return {
		length: head + utf8Length(json),
		write(bytes, view, at) {
			if (requestId !== undefined) view.setUint16(at, requestId);
			writeUtf8(bytes, at + head, json);
		},
	};
}
