// The xscam wire protocol, version 1: the numbers of docs/protocol.md, in one place.
// Runtime-neutral: this folder runs on the device (XS) and in the receiver (Node).

/** "XC": the first two bytes of every message, so a stream that lost its framing is noticed at once. */
export const MAGIC_0 = 0x58;
export const MAGIC_1 = 0x43;
export const VERSION = 1;

/** magic (2) + version (1) + type (1) + body length (4) */
export const HEADER_BYTES = 8;

/** Frame body before the JPEG: seq (4) + capture time (8) + width (2) + height (2). */
export const FRAME_FIELDS_BYTES = 16;
/** Everything a frame costs beyond its JPEG bytes (the design caps it at 32). */
export const FRAME_HEADER_BYTES = HEADER_BYTES + FRAME_FIELDS_BYTES;

/** Types with the high bit set travel from the server to the device; the others from the device. */
export const SERVER_TO_DEVICE = 0x80;

export const TYPE = {
	hello: 0x01,
	frame: 0x02,
	stats: 0x03,
	controlResult: 0x04,
	pong: 0x05,
	welcome: 0x81,
	ping: 0x82,
	control: 0x83,
} as const;

export type MessageName = keyof typeof TYPE;

/** Derived from TYPE, never typed out twice: type byte -> message name. */
export const TYPE_NAMES: { readonly [code: number]: MessageName } = {};
for (const name of Object.keys(TYPE) as MessageName[])
	(TYPE_NAMES as { [code: number]: MessageName })[TYPE[name]] = name;

/** Hello flags. Bit 0 is kept for "this device can authenticate" (docs/protocol.md, "Room for authentication"). */
export const HELLO_FLAG_AUTH = 0x01;

/** Longest string a hello may carry (the length prefix is one byte). */
export const MAX_STRING_BYTES = 255;
/** Device ids are short, printable names: they appear in URLs and file names on the receiver. */
export const MAX_ID_BYTES = 32;
/** A letter or digit first, so an id is never "." or ".." or a hidden file's name. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** flags, width, height, then four strings (id, firmware, board, sensor) of at most MAX_STRING_BYTES. */
export const MAX_HELLO_BODY_BYTES = 5 + 4 * (1 + MAX_STRING_BYTES);

/** Stats fields that a device cannot know are sent as these values. */
export const RSSI_UNKNOWN = 127;
export const HEAP_UNKNOWN = 0xffffffff;

/** Largest control or control-result message body; they carry a short JSON object. */
export const MAX_CONTROL_BYTES = 4096;

/** Default limit on any message body the receiver accepts: an OV2640 UXGA frame at high quality is ~400 KB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
