// Encodes messages to bytes (docs/protocol.md). Big-endian throughout; the bodies are messages.ts's.
// A frame's JPEG is never copied on the device: FrameHeaderEncoder fills a reusable 24-byte header and
// the caller writes the JPEG after it, as it is. encode() builds any whole message (it copies a frame's
// JPEG; the receiver's tests and tools use it).

import { FRAME_FIELDS_BYTES, FRAME_HEADER_BYTES, HEADER_BYTES, MAGIC_0, MAGIC_1, VERSION } from "./constants";
import { checkUint, writeTime } from "./fields";
import { CODECS, type Codec, type Message } from "./messages";

function writeHeader(view: DataView, type: number, bodyLength: number): void {
	view.setUint8(0, MAGIC_0);
	view.setUint8(1, MAGIC_1);
	view.setUint8(2, VERSION);
	view.setUint8(3, type);
	view.setUint32(4, bodyLength);
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
		writeHeader(view, CODECS.frame.code, FRAME_FIELDS_BYTES + jpegByteLength);
		view.setUint32(8, seq);
		writeTime(view, 12, captureTime);
		view.setUint16(20, width);
		view.setUint16(22, height);
		return this.#bytes;
	}
}

/** The whole message as new bytes; a RangeError names a field that does not fit its type. */
export function encode(message: Message): Uint8Array {
	const codec = CODECS[message.type] as Codec<Message>;
	const body = codec.prepare(message);
	const bytes = new Uint8Array(HEADER_BYTES + body.length);
	const view = new DataView(bytes.buffer);
	writeHeader(view, codec.code, body.length);
	body.write(bytes, view, HEADER_BYTES);
	return bytes;
}
