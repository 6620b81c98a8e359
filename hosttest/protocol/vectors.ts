// Byte-exact test vectors of docs/protocol.md. The device's encoder and the receiver's decoder are both
// tested against these bytes, so neither side can drift from the document alone. Every field is commented.

import type { Message } from "../../src/protocol/types";

/** "58 43 01" -> bytes; everything after a '#' on a line is a comment. */
export function hex(text: string): Uint8Array {
	const digits = text.split("\n").map((line) => line.replace(/#.*/, "")).join("").replace(/\s+/g, "");
	if (digits.length % 2) throw new Error("odd number of hex digits");
	const bytes = new Uint8Array(digits.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
	return bytes;
}

export interface Vector {
	name: string;
	message: Message;
	bytes: Uint8Array;
}

const JPEG = hex("ff d8 ff e0 00 10 ff d9");

export const VECTORS: Vector[] = [
	{
		name: "hello",
		message: { type: "hello", flags: 0, width: 640, height: 480, id: "cam-1", firmware: "0.1.0", board: "esp32cam", sensor: "OV2640" },
		bytes: hex(`
			58 43             # magic "XC"
			01                # version 1
			01                # type: hello
			00 00 00 21       # body length 33
			00                # flags: none
			02 80             # width 640
			01 e0             # height 480
			05 63 61 6d 2d 31 # id "cam-1"
			05 30 2e 31 2e 30 # firmware "0.1.0"
			08 65 73 70 33 32 63 61 6d # board "esp32cam"
			06 4f 56 32 36 34 30       # sensor "OV2640"
		`),
	},
	{
		name: "hello with a UTF-8 board name",
		message: { type: "hello", flags: 0, width: 96, height: 96, id: "a", firmware: "", board: "café", sensor: "" },
		bytes: hex(`
			58 43 01 01 00 00 00 0f # header: hello, body 15
			00 00 60 00 60    # flags 0, 96 x 96
			01 61             # id "a"
			00                # firmware ""
			05 63 61 66 c3 a9 # board "café" (é is two bytes)
			00                # sensor ""
		`),
	},
	{
		name: "hello of a device that announces its capabilities",
		message: { type: "hello", flags: 2, width: 640, height: 480, id: "porch", firmware: "0.2.0", board: "esp32cam", sensor: "OV2640" },
		bytes: hex(`
			58 43 01 01 00 00 00 21 # header: hello, body 33
			02                # flags: bit 1, a capabilities message follows
			02 80 01 e0       # 640 x 480
			05 70 6f 72 63 68 # id "porch"
			05 30 2e 32 2e 30 # firmware "0.2.0"
			08 65 73 70 33 32 63 61 6d # board "esp32cam"
			06 4f 56 32 36 34 30       # sensor "OV2640"
		`),
	},
	{
		name: "capabilities",
		message: {
			type: "capabilities", controls: [
				{ key: "frameRate", label: "frame rate cap (fps)", kind: "number", min: 0.1, max: 60, step: 0.1, applies: "now" },
				{ key: "frameSize", label: "frame size", kind: "choice", choices: ["QVGA", "VGA"], applies: "next start" },
			],
		},
		bytes: hex(`
			58 43 01 07 00 00 00 e8 # header: capabilities, body 232
			# {"controls":[
			7b 22 63 6f 6e 74 72 6f 6c 73 22 3a 5b
			# {"key":"frameRate","label":"frame rate cap (fps)",
			7b 22 6b 65 79 22 3a 22 66 72 61 6d 65 52 61 74 65 22 2c 22 6c 61 62 65 6c 22 3a
			22 66 72 61 6d 65 20 72 61 74 65 20 63 61 70 20 28 66 70 73 29 22 2c
			# "kind":"number","min":0.1,"max":60,"step":0.1,"applies":"now"},
			22 6b 69 6e 64 22 3a 22 6e 75 6d 62 65 72 22 2c 22 6d 69 6e 22 3a 30 2e 31 2c 22
			6d 61 78 22 3a 36 30 2c 22 73 74 65 70 22 3a 30 2e 31 2c 22 61 70 70 6c 69 65 73
			22 3a 22 6e 6f 77 22 7d 2c
			# {"key":"frameSize","label":"frame size","kind":"choice",
			7b 22 6b 65 79 22 3a 22 66 72 61 6d 65 53 69 7a 65 22 2c 22 6c 61 62 65 6c 22 3a
			22 66 72 61 6d 65 20 73 69 7a 65 22 2c 22 6b 69 6e 64 22 3a 22 63 68 6f 69 63 65
			22 2c
			# "choices":["QVGA","VGA"],"applies":"next start"}]}
			22 63 68 6f 69 63 65 73 22 3a 5b 22 51 56 47 41 22 2c 22 56 47 41 22 5d 2c 22 61
			70 70 6c 69 65 73 22 3a 22 6e 65 78 74 20 73 74 61 72 74 22 7d 5d 7d
		`),
	},
	{
		name: "frame",
		message: { type: "frame", seq: 7, captureTime: 1_764_000_000_123, width: 320, height: 240, jpeg: JPEG },
		bytes: hex(`
			58 43 01 02       # header: frame
			00 00 00 18       # body length 24 = 16 + 8 JPEG bytes
			00 00 00 07       # seq 7
			00 00 01 9a b6 97 e8 7b # capture time 1764000000123 ms (high word, low word)
			01 40             # width 320
			00 f0             # height 240
			ff d8 ff e0 00 10 ff d9 # the JPEG bytes, as the camera gave them
		`),
	},
	{
		name: "stats",
		message: { type: "stats", uptime: 3600, captured: 54000, sent: 53990, dropped: 10, reconnects: 2, fps: 14.95, rssi: -61, freeHeap: 3_145_728 },
		bytes: hex(`
			58 43 01 03 00 00 00 1b # header: stats, body 27
			00 00 0e 10       # uptime 3600 s
			00 00 d2 f0       # captured 54000
			00 00 d2 e6       # sent 53990
			00 00 00 0a       # dropped 10
			00 00 00 02       # reconnects 2
			05 d7             # fps x 100 = 1495
			c3                # rssi -61 dBm
			00 30 00 00       # free heap 3145728 bytes
		`),
	},
	{
		name: "stats with unknowns",
		message: { type: "stats", uptime: 0, captured: 0, sent: 0, dropped: 0, reconnects: 0, fps: 0, rssi: undefined, freeHeap: undefined },
		bytes: hex(`
			58 43 01 03 00 00 00 1b # header: stats, body 27
			00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00  00 00 00 00 # five zero counters
			00 00             # fps 0
			7f                # rssi unknown (127)
			ff ff ff ff       # free heap unknown
		`),
	},
	{
		name: "control result",
		message: { type: "controlResult", requestId: 258, applied: { frameRate: 5 }, pending: {}, refused: { x: "unknown" } },
		bytes: hex(`
			58 43 01 04 00 00 00 44 # header: control result, body 68
			01 02             # request id 258
			# {"applied":{"frameRate":5},"pending":{},"refused":{"x":"unknown"}}
			7b 22 61 70 70 6c 69 65 64 22 3a 7b 22 66 72 61 6d 65 52 61 74 65 22 3a 35 7d 2c
			22 70 65 6e 64 69 6e 67 22 3a 7b 7d 2c
			22 72 65 66 75 73 65 64 22 3a 7b 22 78 22 3a 22 75 6e 6b 6e 6f 77 6e 22 7d 7d
		`),
	},
	{
		name: "pong",
		message: { type: "pong", token: 0xdeadbeef },
		bytes: hex(`
			58 43 01 05 00 00 00 04 # header: pong, body 4
			de ad be ef       # token echoed from the ping
		`),
	},
	{
		name: "welcome",
		message: { type: "welcome", serverTime: 1_764_000_000_000, pingInterval: 5000, maxBodyBytes: 1_048_576 },
		bytes: hex(`
			58 43 01 81 00 00 00 10 # header: welcome, body 16
			00 00 01 9a b6 97 e8 00 # server time 1764000000000 ms
			00 00 13 88       # ping interval 5000 ms
			00 10 00 00       # max body 1048576 bytes
		`),
	},
	{
		name: "ping",
		message: { type: "ping", token: 1 },
		bytes: hex(`
			58 43 01 82 00 00 00 04 # header: ping, body 4
			00 00 00 01       # token 1
		`),
	},
	{
		name: "control",
		message: { type: "control", requestId: 1, settings: { frameRate: 10, frameSize: "VGA" } },
		bytes: hex(`
			58 43 01 83 00 00 00 24 # header: control, body 36
			00 01             # request id 1
			# {"frameRate":10,"frameSize":"VGA"}
			7b 22 66 72 61 6d 65 52 61 74 65 22 3a 31 30 2c 22 66 72 61 6d 65 53 69 7a 65 22 3a 22 56 47 41 22 7d
		`),
	},
	{
		name: "update offer",
		message: {
			type: "updateOffer", size: 74565, chunkSize: 16384, sha256: hex("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f"),
			proof: hex("56 64 d6 fe 2d f1 a0 50 83 b7 17 f7 82 f3 4f a0 91 88 a7 9f 6c b0 06 3e 33 01 fa 8d 92 2e 6d 86"), version: "0.3.0",
		},
		bytes: hex(`
			58 43 01 86 00 00 00 4e # header: update offer, body 78
			00 01 23 45       # size 74565 bytes
			00 00 40 00       # chunks of at most 16384 bytes
			00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f # SHA-256 of the image
			10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
			56 64 d6 fe 2d f1 a0 50 83 b7 17 f7 82 f3 4f a0 # proof: AUTH_VECTOR's camera, key and nonces (updateInput below)
			91 88 a7 9f 6c b0 06 3e 33 01 fa 8d 92 2e 6d 86
			05 30 2e 33 2e 30 # version "0.3.0"
		`),
	},
	{
		name: "update chunk",
		message: { type: "updateChunk", offset: 16384, bytes: hex("e9 05 02 20 14") },
		bytes: hex(`
			58 43 01 87 00 00 00 09 # header: update chunk, body 9
			00 00 40 00       # offset 16384
			e9 05 02 20 14    # the image's bytes from there
		`),
	},
	{
		name: "update status: ready",
		message: { type: "updateStatus", state: "ready", offset: 0, reason: "" },
		bytes: hex(`
			58 43 01 08 00 00 00 06 # header: update status, body 6
			01                # ready: send from the offset
			00 00 00 00       # offset 0
			00                # no reason
		`),
	},
	{
		name: "update status: written",
		message: { type: "updateStatus", state: "written", offset: 32768, reason: "" },
		bytes: hex("58 43 01 08 00 00 00 06  02  00 00 80 00  00"), // written up to 32768: send the next chunk
	},
	{
		name: "update status: verified",
		message: { type: "updateStatus", state: "verified", offset: 74565, reason: "" },
		bytes: hex("58 43 01 08 00 00 00 06  03  00 01 23 45  00"), // every byte, and the SHA-256 matches
	},
	{
		name: "update status: failed",
		message: { type: "updateStatus", state: "failed", offset: 0, reason: "no room" },
		bytes: hex(`
			58 43 01 08 00 00 00 0d # header: update status, body 13
			04                # failed: the running firmware is untouched
			00 00 00 00       # at offset 0
			07 6e 6f 20 72 6f 6f 6d # reason "no room"
		`),
	},
];

/** The nonces and key of docs/protocol.md's authentication example. */
const KEY = hex("00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f");
const RECEIVER_NONCE = hex("a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af");
const DEVICE_NONCE = hex("b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf");
const DEVICE_PROOF = hex("18 4a fd 4e de 8c c8 07 99 3d 37 4e 01 a4 d6 f0 d9 f5 ce 7b e1 ab 8d ee 9d a7 29 91 68 79 6c e9");
const RECEIVER_PROOF = hex("a9 54 96 54 57 c4 a6 31 bf 54 e4 24 5a f4 7d e8 3a b8 17 86 19 9d 64 57 c6 e5 52 38 6f 43 da 66");

VECTORS.push(
	{
		name: "challenge",
		message: { type: "challenge", nonce: RECEIVER_NONCE },
		bytes: hex(`
			58 43 01 84 00 00 00 10 # header: challenge, body 16
			a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af # the receiver's nonce
		`),
	},
	{
		name: "auth",
		message: { type: "auth", nonce: DEVICE_NONCE, proof: DEVICE_PROOF },
		bytes: hex(`
			58 43 01 06 00 00 00 30 # header: auth, body 48
			b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf # the device's nonce
			18 4a fd 4e de 8c c8 07 99 3d 37 4e 01 a4 d6 f0 # the device's proof: HMAC-SHA256(key, device input below)
			d9 f5 ce 7b e1 ab 8d ee 9d a7 29 91 68 79 6c e9
		`),
	},
	{
		name: "accepted",
		message: { type: "accepted", proof: RECEIVER_PROOF },
		bytes: hex(`
			58 43 01 85 00 00 00 20 # header: accepted, body 32
			a9 54 96 54 57 c4 a6 31 bf 54 e4 24 5a f4 7d e8 # the receiver's proof: HMAC-SHA256(key, receiver input below)
			3a b8 17 86 19 9d 64 57 c6 e5 52 38 6f 43 da 66
		`),
	},
	{
		name: "datagrams",
		message: { type: "datagrams", port: 8700, channel: 0x1234abcd, datagramBytes: 1472 },
		bytes: hex(`
			58 43 01 88 00 00 00 08 # header: datagrams, body 8
			21 fc                   # UDP port 8700
			12 34 ab cd             # channel 0x1234abcd
			05 c0                   # datagrams of at most 1472 bytes
		`),
	},
	{
		name: "datagram report",
		message: { type: "datagramReport", completed: 600, lost: 3, rejected: 1, jitter: 2500 },
		bytes: hex(`
			58 43 01 89 00 00 00 10 # header: datagram report, body 16
			00 00 02 58             # 600 frames completed
			00 00 00 03             # 3 lost
			00 00 00 01             # 1 datagram rejected
			00 00 09 c4             # jitter 2500 µs
		`),
	},
);

/** What each side signs and its proof, for camera "porch" with the key and nonces above. */
export const AUTH_VECTOR = {
	key: KEY, id: "porch", receiverNonce: RECEIVER_NONCE, deviceNonce: DEVICE_NONCE,
	deviceInput: hex(`
		78 73 63 61 6d 20 64 65 76 69 63 65 00 # "xscam device", 0
		70 6f 72 63 68 00                      # "porch", 0
		a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af # the receiver's nonce
		b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf # the device's nonce
	`),
	deviceProof: DEVICE_PROOF,
	receiverInput: hex(`
		78 73 63 61 6d 20 72 65 63 65 69 76 65 72 00 # "xscam receiver", 0
		70 6f 72 63 68 00                            # "porch", 0
		a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af
		b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf
	`),
	receiverProof: RECEIVER_PROOF,
	/** What the receiver signs for the "update offer" vector: its proof. */
	updateInput: hex(`
		78 73 63 61 6d 20 75 70 64 61 74 65 00 # "xscam update", 0
		70 6f 72 63 68 00                      # "porch", 0
		a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af # the receiver's nonce
		b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf # the device's nonce
		00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f # the image's SHA-256
		10 11 12 13 14 15 16 17 18 19 1a 1b 1c 1d 1e 1f
		00 01 23 45                                     # its size
		30 2e 33 2e 30                                  # its version, "0.3.0"
	`),
};

/**
 * Frames as datagrams (docs/protocol.md), for camera "porch" on the connection of AUTH_VECTOR: the
 * datagram key, and a frame of a 22-byte JPEG cut into datagrams of at most 64 bytes (32 of body each).
 */
export const DATAGRAM_VECTOR = {
	keyInput: hex(`
		78 73 63 61 6d 20 64 61 74 61 67 72 61 6d 73 00 # "xscam datagrams", 0
		70 6f 72 63 68 00                               # "porch", 0
		a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af # the receiver's nonce
		b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 ba bb bc bd be bf # the device's nonce
	`),
	/** HMAC-SHA256(the camera's key, keyInput) */
	key: hex("74 e2 c4 1a d7 95 e3 a0 e3 5a 6c 57 5a d4 92 6f dc 9e c3 14 17 b1 bc 27 c7 4d 18 04 02 8a bc 95"),
	channel: 0x1234abcd,
	datagramBytes: 64,
	/** The frame's 16 body fields: seq 7, captured at 1764000000123, 320 x 240. */
	fields: hex("00 00 00 07  00 00 01 9a b6 97 e8 7b  01 40 00 f0"),
	jpeg: hex("ff d8 ff e0 00 10 4a 46 49 46 00 01 01 00 00 01 00 01 00 00 ff d9"),
	datagrams: [
		hex(`
			58 43 01 09             # magic, version, type: frame datagram
			12 34 ab cd             # channel
			00 00 00 07             # frame 7
			00 00 00 02             # piece 0 of 2
			00 00 00 07 00 00 01 9a b6 97 e8 7b 01 40 00 f0 # body 0..31: the frame's fields,
			ff d8 ff e0 00 10 4a 46 49 46 00 01 01 00 00 01 # and the JPEG's first 16 bytes
			d6 66 a3 3b 26 66 29 80 21 38 9f 6f c4 e8 18 99 # MAC: HMAC-SHA256(datagram key, all before it), first 16 bytes
		`),
		hex(`
			58 43 01 09 12 34 ab cd 00 00 00 07
			00 01 00 02             # piece 1 of 2
			00 01 00 00 ff d9       # body 32..37: the rest of the JPEG
			02 ab e4 22 bf 86 18 4e ad 4f 35 f1 83 fd 89 cf # MAC
		`),
	],
};

export interface ErrorVector {
	name: string;
	from: "device" | "server";
	code: string;
	bytes: Uint8Array;
}

/** Input a decoder must refuse, with the code it must refuse it with. */
export const ERROR_VECTORS: ErrorVector[] = [
	{ name: "bad magic", from: "device", code: "XSCAM_ERR_BAD_MAGIC", bytes: hex("47 45 54 20 2f 20 48 54") }, // "GET / HT"
	{ name: "version 2", from: "device", code: "XSCAM_ERR_BAD_VERSION", bytes: hex("58 43 02 01 00 00 00 00") },
	{ name: "unknown type", from: "device", code: "XSCAM_ERR_BAD_TYPE", bytes: hex("58 43 01 7e 00 00 00 00") },
	{ name: "server type from a device", from: "device", code: "XSCAM_ERR_WRONG_DIRECTION", bytes: hex("58 43 01 81 00 00 00 10") },
	{ name: "device type from the server", from: "server", code: "XSCAM_ERR_WRONG_DIRECTION", bytes: hex("58 43 01 02 00 00 00 20") },
	{ name: "frame over the limit", from: "device", code: "XSCAM_ERR_TOO_LARGE", bytes: hex("58 43 01 02 ff ff ff ff") },
	{
		name: "frame with a capture time past 2^53 - 1", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 02 00 00 00 11  00 00 00 07  00 20 00 00 00 00 00 00  00 10 00 10  ff"), // high word 0x200000
	},
	{
		name: "welcome with a server time past 2^53 - 1", from: "server", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 81 00 00 00 10  ff ff ff ff 00 00 00 00  00 00 27 10  00 10 00 00"),
	},
	{ name: "frame without JPEG bytes", from: "device", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 02 00 00 00 10") },
	{ name: "stats of the wrong size", from: "device", code: "XSCAM_ERR_TOO_LARGE", bytes: hex("58 43 01 03 00 00 00 1c") },
	{ name: "ping of the wrong size", from: "server", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 82 00 00 00 03 00 00 00") },
	{
		name: "hello shorter than its smallest body (10: an id of one character, three empty strings)", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 09  00 00 01 00 01  01 61 00 00"),
	},
	{
		name: "hello longer than its largest body (806: an id of 32 characters, three strings of 255)", from: "device", code: "XSCAM_ERR_TOO_LARGE",
		bytes: hex("58 43 01 01 00 00 03 27"),
	},
	{
		name: "hello string past the body", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0a  00 00 01 00 01  09 61 00 00 00"),
	},
	{
		name: "hello with trailing bytes", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0b  00 00 01 00 01  01 61 00 00 00  ff"),
	},
	{
		name: "hello with an empty id", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0a  00 00 01 00 01  00 01 78 00 00"), // id "", firmware "x"
	},
	{
		name: "hello with a slash in the id", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0b  00 00 01 00 01  02 2e 2f 00 00 00"), // "./"
	},
	{
		name: "hello with the id \"..\"", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0b  00 00 01 00 01  02 2e 2e 00 00 00"), // it would name a parent folder
	},
	{
		name: "hello with invalid UTF-8", from: "device", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 01 00 00 00 0a  00 00 01 00 01  01 61 01 c3 00 00"),
	},
	{
		name: "control that is not JSON", from: "server", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 83 00 00 00 04  00 01 7b 7b"), // "{{"
	},
	{
		name: "control that is a JSON array", from: "server", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 83 00 00 00 04  00 01 5b 5d"), // "[]"
	},
	{
		name: "control with an object value", from: "server", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 83 00 00 00 0a  00 01 7b 22 61 22 3a 7b 7d 7d"), // {"a":{}}
	},
	{
		name: "control over its limit", from: "server", code: "XSCAM_ERR_TOO_LARGE",
		bytes: hex("58 43 01 83 00 00 10 01"),
	},
	capabilitiesError("capabilities without a list of controls", `{"controls":{}}`),
	capabilitiesError("capabilities with a control of an unknown kind", `{"controls":[{"key":"zoom","label":"zoom","kind":"slider","min":0,"max":1,"applies":"now"}]}`),
	capabilitiesError("capabilities with a range whose min is above its max", `{"controls":[{"key":"zoom","label":"zoom","kind":"integer","min":2,"max":1,"applies":"now"}]}`),
	capabilitiesError("capabilities naming fewer values than the range holds", `{"controls":[{"key":"wb","label":"wb","kind":"integer","min":0,"max":2,"names":["a","b"],"applies":"now"}]}`),
	capabilitiesError("capabilities describing one control twice", `{"controls":[{"key":"a","label":"a","kind":"choice","choices":["x"],"applies":"now"},{"key":"a","label":"a","kind":"choice","choices":["y"],"applies":"now"}]}`),
	capabilitiesError("capabilities with a key that is not a name", `{"controls":[{"key":"__proto__","label":"a","kind":"choice","choices":["x"],"applies":"now"}]}`),
	{
		name: "capabilities over their limit", from: "device", code: "XSCAM_ERR_TOO_LARGE",
		bytes: hex("58 43 01 07 00 00 10 01"),
	},
	{ name: "auth with a short proof", from: "device", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 06 00 00 00 2f") },
	{ name: "challenge with a long nonce", from: "server", code: "XSCAM_ERR_TOO_LARGE", bytes: hex("58 43 01 84 00 00 00 11") },
	{
		name: "update offer with chunks of 0 bytes", from: "server", code: "XSCAM_ERR_BAD_BODY",
		bytes: hex("58 43 01 86 00 00 00 49  00 00 00 10  00 00 00 00" + " 00".repeat(64) + " 00"),
	},
	{ name: "update chunk over its limit", from: "server", code: "XSCAM_ERR_TOO_LARGE", bytes: hex("58 43 01 87 00 00 40 05") },
	{ name: "update chunk of no bytes", from: "server", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 87 00 00 00 04  00 00 00 00") },
	{ name: "update status of an unknown state", from: "device", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 08 00 00 00 06  05 00 00 00 00 00") },
	{ name: "update status with trailing bytes", from: "device", code: "XSCAM_ERR_BAD_BODY", bytes: hex("58 43 01 08 00 00 00 07  01 00 00 00 00 00 00") },
];

/** A capabilities message whose JSON `json` a decoder must refuse as a bad body. */
function capabilitiesError(name: string, json: string): ErrorVector {
	const body = new TextEncoder().encode(json);
	const bytes = new Uint8Array(8 + body.byteLength);
	bytes.set(hex("58 43 01 07"));
	new DataView(bytes.buffer).setUint32(4, body.byteLength);
	bytes.set(body, 8);
	return { name, from: "device", code: "XSCAM_ERR_BAD_BODY", bytes };
}
