// What the fuzz tests feed the decoder, the ingest port and the HTTP routes: valid messages of every
// kind with each field anywhere in its range (its limits included), streams of them, the same streams
// mutated, and how many cases a run makes. `npm test` makes a quick run; `npm run fuzz` sets FUZZ_RUNS
// (a million: the decoder's properties share it, the ones that cost a socket per case take a thousandth and
// three thousandths) and runs the same properties longer.

import fc from "fast-check";
import { ID_PATTERN, MAX_ID_BYTES, MAX_STRING_BYTES, NONCE_BYTES, PROOF_BYTES, RSSI_UNKNOWN, SERVER_TO_DEVICE } from "../../src/protocol/constants";
import { CODECS } from "../../src/protocol/messages";
import { encode } from "../../src/protocol/encoder";
import type { DeviceMessage, Message, ServerMessage } from "../../src/protocol/types";
import { VECTORS } from "../protocol/vectors";

/** Cases for a property: the quick run's `quick`, or FUZZ_RUNS scaled by `share` (properties that cost a socket each get a smaller share). */
export function runs(quick: number, share = 1): number {
	const total = Number(process.env.FUZZ_RUNS);
	return total > 0 ? Math.max(quick, Math.round(total * share)) : quick;
}

const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (length: number) => fc.uint8Array({ minLength: length, maxLength: length });

/** A string of at most `maxBytes` UTF-8 bytes, multi-byte characters included. */
const utf8 = (maxBytes: number) => fc.string({ unit: "grapheme", maxLength: maxBytes })
	.map((text) => {
		while (Buffer.byteLength(text) > maxBytes) text = text.slice(0, -1);
		return text;
	});
const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/).filter((text) => ID_PATTERN.test(text) && text !== "." && text !== ".." && text.length <= MAX_ID_BYTES);

const hello = fc.record({
	type: fc.constant("hello" as const), flags: fc.integer({ min: 0, max: 0xff }), id,
	firmware: utf8(MAX_STRING_BYTES), board: utf8(MAX_STRING_BYTES), sensor: utf8(MAX_STRING_BYTES), width: u16, height: u16,
});
/** Frames up to `maxJpeg` bytes: what the body limit of a test allows. */
const frame = (maxJpeg: number) => fc.record({
	type: fc.constant("frame" as const), seq: u32, captureTime: fc.maxSafeNat(), width: u16, height: u16,
	jpeg: fc.uint8Array({ minLength: 1, maxLength: maxJpeg }),
});
const stats = fc.record({
	type: fc.constant("stats" as const), uptime: u32, captured: u32, sent: u32, dropped: u32, reconnects: u32,
	fps: u16.map((centi) => centi / 100), rssi: fc.option(fc.integer({ min: -128, max: RSSI_UNKNOWN - 1 }), { nil: undefined }),
	freeHeap: fc.option(fc.integer({ min: 0, max: 0xfffffffe }), { nil: undefined }),
});
const auth = fc.record({ type: fc.constant("auth" as const), nonce: bytes(NONCE_BYTES), proof: bytes(PROOF_BYTES) });
const pong = fc.record({ type: fc.constant("pong" as const), token: u32 });
/** The JSON messages (control results, capabilities, controls) as the vectors have them: their own tests cover their rules. */
const fromVectors = <T extends Message>(direction: (message: Message) => message is T) =>
	fc.constantFrom(...VECTORS.map((vector) => vector.message).filter(direction));
/** Which way a message travels follows from its type byte, as the decoder reads it. */
const isDevice = (message: Message): message is DeviceMessage => (CODECS[message.type].code & SERVER_TO_DEVICE) === 0;
const isServer = (message: Message): message is ServerMessage => !isDevice(message);

export function deviceMessage(maxJpeg = 2048): fc.Arbitrary<DeviceMessage> {
	return fc.oneof(hello, frame(maxJpeg), stats, auth, pong, fromVectors(isDevice)) as fc.Arbitrary<DeviceMessage>;
}

export const serverMessage: fc.Arbitrary<ServerMessage> = fc.oneof(
	fc.record({ type: fc.constant("welcome" as const), serverTime: fc.maxSafeNat(), pingInterval: u32, maxBodyBytes: u32 }),
	fc.record({ type: fc.constant("ping" as const), token: u32 }),
	fc.record({ type: fc.constant("challenge" as const), nonce: bytes(NONCE_BYTES) }),
	fc.record({ type: fc.constant("accepted" as const), proof: bytes(PROOF_BYTES) }),
	fromVectors(isServer),
) as fc.Arbitrary<ServerMessage>;

/** The bytes of `messages`, back to back: a plain Uint8Array, as the device's socket delivers (a Buffer's slices would be Buffers). */
export function streamOf(messages: Message[]): Uint8Array {
	const parts = messages.map((message) => encode(message));
	const stream = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
	parts.reduce((at, part) => (stream.set(part, at), at + part.byteLength), 0);
	return stream;
}

/** `stream` cut at `cuts` (any offsets; sorted and clamped here). */
export function split(stream: Uint8Array, cuts: number[]): Uint8Array[] {
	const points = [...new Set(cuts.map((cut) => cut % (stream.byteLength + 1)))].sort((a, b) => a - b);
	const chunks: Uint8Array[] = [];
	let start = 0;
	for (const point of [...points, stream.byteLength]) {
		chunks.push(stream.subarray(start, point));
		start = point;
	}
	return chunks;
}

export type Mutation = { kind: "set"; at: number; value: number } | { kind: "insert"; at: number; value: number } | { kind: "delete"; at: number } | { kind: "truncate"; at: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
	fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
	fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
	fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
);

/** `stream` with `mutations` applied in order. */
export function mutate(stream: Uint8Array, mutations: Mutation[]): Uint8Array {
	let bytes = Array.from(stream);
	for (const change of mutations) {
		const at = bytes.length === 0 ? 0 : change.at % bytes.length;
		if (change.kind === "set") bytes[at] = change.value;
		else if (change.kind === "insert") bytes.splice(at, 0, change.value);
		else if (change.kind === "delete") bytes.splice(at, 1);
		else bytes = bytes.slice(0, at);
	}
	return Uint8Array.from(bytes);
}
