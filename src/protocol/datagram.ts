// Frames as datagrams (docs/protocol.md, "Frames as datagrams"): a frame's body (the frame message's
// body: seq, capture time, size, JPEG) cut into pieces that each fit one datagram, every datagram signed
// under the connection's datagram key so that nobody can inject one. Runtime-neutral: the device writes
// datagrams with FrameDatagrams, the receiver reads them with readDatagram; both sign with an HMAC-SHA256
// of their own (the SDK's on the device, node:crypto on the receiver), truncated to DATAGRAM_MAC_BYTES.

import { proofInput, sameProof } from "./auth";
import {
	DATAGRAM_HEADER_BYTES, DATAGRAM_MAC_BYTES, DATAGRAM_TYPE, FRAME_FIELDS_BYTES, MAGIC_0, MAGIC_1, VERSION,
} from "./constants";
import { protocolError } from "./errors";

/** HMAC-SHA256 (32 bytes) of its input, under some key. */
export type Mac = (input: Uint8Array) => Uint8Array;

/** What the datagram key is derived from: HMAC-SHA256 under the camera's key of this, as a proof is (auth.ts). */
export function datagramKeyInput(id: string, receiverNonce: Uint8Array, deviceNonce: Uint8Array): Uint8Array {
	return proofInput("datagrams", id, receiverNonce, deviceNonce);
}

/** How many body bytes one datagram of `datagramBytes` carries. */
export function pieceBytes(datagramBytes: number): number {
	return datagramBytes - DATAGRAM_HEADER_BYTES - DATAGRAM_MAC_BYTES;
}

/** One datagram, as the receiver reads it; `piece` is a view into the datagram. */
export interface FrameDatagram {
	channel: number;
	seq: number;
	index: number;
	count: number;
	piece: Uint8Array;
}

/** The channel a datagram says it is on, or undefined when it is not an xscam datagram at all. */
export function channelOf(datagram: Uint8Array): number | undefined {
	if (datagram.byteLength < DATAGRAM_HEADER_BYTES + 1 + DATAGRAM_MAC_BYTES) return undefined;
	if (datagram[0] !== MAGIC_0 || datagram[1] !== MAGIC_1 || datagram[2] !== VERSION || datagram[3] !== DATAGRAM_TYPE) return undefined;
	return new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength).getUint32(4);
}

/**
 * Reads a datagram of a channel whose key signs with `mac`; throws XSCAM_ERR_BAD_DATAGRAM when its MAC
 * does not hold or its fields do not (an index past the count). Call channelOf() first.
 */
export function readDatagram(datagram: Uint8Array, mac: Mac): FrameDatagram {
	const signedLength = datagram.byteLength - DATAGRAM_MAC_BYTES;
	const expected = mac(datagram.subarray(0, signedLength)).subarray(0, DATAGRAM_MAC_BYTES);
	if (!sameProof(expected, datagram.subarray(signedLength))) throw protocolError("XSCAM_ERR_BAD_DATAGRAM", "its MAC does not hold");
	const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
	const index = view.getUint16(12);
	const count = view.getUint16(14);
	if (index >= count) throw protocolError("XSCAM_ERR_BAD_DATAGRAM", "piece " + index + " of " + count);
	return { channel: view.getUint32(4), seq: view.getUint32(8), index, count, piece: datagram.subarray(DATAGRAM_HEADER_BYTES, signedLength) };
}

/**
 * The device's side: the datagrams of one frame at a time, each written into one reused buffer (the
 * caller sends it before asking for the next). The body is the frame's 16 fields, then its JPEG (the
 * camera's buffer, read in place).
 */
export class FrameDatagrams {
	readonly #buffer: Uint8Array;
	readonly #view: DataView;
	readonly #piece: number;
	readonly #mac: Mac;

	/** On `channel`, each datagram at most `datagramBytes` long, signed with `mac` (HMAC under the datagram key). */
	constructor(channel: number, datagramBytes: number, mac: Mac) {
		this.#buffer = new Uint8Array(datagramBytes);
		this.#view = new DataView(this.#buffer.buffer);
		this.#piece = pieceBytes(datagramBytes);
		this.#mac = mac;
		this.#buffer.set([MAGIC_0, MAGIC_1, VERSION, DATAGRAM_TYPE]);
		this.#view.setUint32(4, channel);
	}

	/** How many datagrams a frame of `jpegBytes` takes. */
	count(jpegBytes: number): number {
		return Math.ceil((FRAME_FIELDS_BYTES + jpegBytes) / this.#piece);
	}

	/**
	 * Datagram `index` of the frame whose 16 fields are `fields` (a frame body's start, FrameFields) and
	 * whose JPEG is `jpeg`: a view of the reused buffer, valid until the next call.
	 */
	datagram(fields: Uint8Array, jpeg: ArrayBuffer | Uint8Array, index: number): Uint8Array {
		const jpegBytes = jpeg.byteLength;
		const count = this.count(jpegBytes);
		const buffer = this.#buffer;
		const view = this.#view;
		view.setUint32(8, new DataView(fields.buffer, fields.byteOffset, FRAME_FIELDS_BYTES).getUint32(0));
		view.setUint16(12, index);
		view.setUint16(14, count);
		let from = index * this.#piece; // in the body
		const end = Math.min(from + this.#piece, FRAME_FIELDS_BYTES + jpegBytes);
		let at = DATAGRAM_HEADER_BYTES;
		if (from < FRAME_FIELDS_BYTES) {
			buffer.set(fields.subarray(from, FRAME_FIELDS_BYTES), at);
			at += FRAME_FIELDS_BYTES - from;
			from = FRAME_FIELDS_BYTES;
		}
		const length = end - from;
		const offset = from - FRAME_FIELDS_BYTES;
		buffer.set(jpeg instanceof Uint8Array ? jpeg.subarray(offset, offset + length) : new Uint8Array(jpeg, offset, length), at);
		at += length;
		buffer.set(this.#mac(buffer.subarray(0, at)).subarray(0, DATAGRAM_MAC_BYTES), at);
		return buffer.subarray(0, at + DATAGRAM_MAC_BYTES);
	}
}
