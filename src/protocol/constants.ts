// The xscam wire protocol, version 1: the numbers of docs/protocol.md that are not one message's own
// (those sit with the message, in messages.ts). Runtime-neutral: this folder runs on the device (XS)
// and in the receiver (Node).

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

/** Types with the high bit set travel from the receiver to the device; the others from the device. */
export const SERVER_TO_DEVICE = 0x80;

/** Hello flags. Bit 0: the device holds a key and authenticates (challenge, auth, accepted; auth.ts). */
export const HELLO_FLAG_AUTH = 0x01;
/** Bit 1: a capabilities message follows the hello. */
export const HELLO_FLAG_CAPABILITIES = 0x02;
/** Bit 2: the device takes firmware updates over the session (update offer, update chunk, update status). */
export const HELLO_FLAG_UPDATES = 0x04;
/**
 * Bit 3: the device would send its frames as datagrams (UDP) rather than on the connection, when the
 * receiver offers a datagram port (the datagrams message); only a device that authenticates sets it,
 * since every datagram is signed under a key from the authentication (datagram.ts).
 */
export const HELLO_FLAG_DATAGRAMS = 0x08;

/**
 * Frames as datagrams (datagram.ts): each datagram is a 16-byte header, a piece of the frame's body and
 * a 16-byte MAC. The device sends none longer than the UDP payload of a 1500-byte Wi-Fi MTU (the
 * ESP32's lwIP sends a datagram as one pbuf, and its IPv4 reassembly is off), nor than the receiver's
 * datagrams message says; a receiver offers no less than the minimum, so a frame never needs more than
 * 2^16 datagrams of at least 32 bytes of body each.
 */
export const DATAGRAM_HEADER_BYTES = 16;
export const DATAGRAM_MAC_BYTES = 16;
export const DATAGRAM_MIN_BYTES = 64;
export const DATAGRAM_MAX_BYTES = 1472;
/** The datagram's type byte, in the header's place: never a message of the connection (the decoder refuses it there). */
export const DATAGRAM_TYPE = 0x09;

/** Longest string a hello may carry (the length prefix is one byte). */
export const MAX_STRING_BYTES = 255;
/** Device ids are short, printable names: they appear in URLs and file names on the receiver. */
export const MAX_ID_BYTES = 32;
/** A letter or digit first, so an id is never "." or ".." or a hidden file's name. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const ID_RULE = "1 to " + MAX_ID_BYTES + " characters of A-Z a-z 0-9 _ . -, starting with a letter or digit";

/** A camera's key, a nonce of each side, and a proof (an HMAC-SHA256), in bytes (auth.ts). */
export const KEY_BYTES = 32;
export const NONCE_BYTES = 16;
export const PROOF_BYTES = 32;

/** A SHA-256 digest (the firmware image an update offers), in bytes. */
export const SHA256_BYTES = 32;

/**
 * The largest chunk of a firmware update: the device holds one at a time (its decoder assembles it), so
 * 16 KB bounds what an update costs its heap; a receiver sends smaller chunks where its welcome's
 * `maxBodyBytes` is smaller.
 */
export const UPDATE_CHUNK_MAX = 16 * 1024;

/** Stats fields that a device cannot know are sent as these values. */
export const RSSI_UNKNOWN = 127;
export const HEAP_UNKNOWN = 0xffffffff;

/** The frame rates a camera is capped at, frames a second: a device's announced range falls within them. */
export const FRAME_RATE_MIN = 0.1;
export const FRAME_RATE_MAX = 60;

/** Largest body of the JSON messages (control, control result, capabilities): a short JSON object. */
export const MAX_JSON_BYTES = 4096;

/** Default limit on any message body the receiver accepts: an OV2640 UXGA frame at high quality is ~400 KB. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
