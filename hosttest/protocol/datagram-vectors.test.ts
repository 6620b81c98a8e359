// Frames as datagrams against DATAGRAM_VECTOR (docs/protocol.md, "Frames as datagrams"): the device's
// side (its datagram key from its authenticator, FrameDatagrams) writes the vector's bytes, the
// receiver's side (camera-auth's key, readDatagram, the reassembly) reads them back to the frame.

import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Decoder } from "../../src/protocol/decoder";
import { channelOf, FrameDatagrams, readDatagram, type Mac } from "../../src/protocol/datagram";
import { DeviceAuthenticator } from "../../src/session/authenticator";
import { CameraAuthentication } from "../../server/ingest/camera-auth";
import { FrameReassembly } from "../../server/ingest/frame-reassembly";
import { AUTH_VECTOR, DATAGRAM_VECTOR } from "./vectors";

const hmac = (key: Uint8Array): Mac => (input) => createHmac("sha256", key).update(input).digest();
const hexOf = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const { key, id, receiverNonce, deviceNonce } = AUTH_VECTOR;

describe("the datagram key", () => {
	it("is HMAC-SHA256 of the vector's input on the device, once the receiver proved itself", () => {
		const device = new DeviceAuthenticator(id, hmac(key), () => deviceNonce);
		device.answer({ type: "challenge", nonce: receiverNonce });
		expect(() => device.datagramKey()).toThrow("datagrams before the receiver proved it holds this camera's key");
		device.check({ type: "accepted", proof: AUTH_VECTOR.receiverProof });
		expect(hexOf(device.datagramKey())).toBe(hexOf(DATAGRAM_VECTOR.key));
		expect(hexOf(hmac(key)(DATAGRAM_VECTOR.keyInput))).toBe(hexOf(DATAGRAM_VECTOR.key));
	});

	it("is the same on the receiver, from the camera's proof", () => {
		const authentication = new CameraAuthentication({ type: "hello", flags: 9, id, firmware: "", board: "", sensor: "", width: 320, height: 240 });
		(authentication.challenge as { nonce: Uint8Array }).nonce = receiverNonce;
		const result = authentication.verify({ type: "auth", nonce: deviceNonce, proof: AUTH_VECTOR.deviceProof }, key);
		expect("datagramKey" in result && hexOf(result.datagramKey)).toBe(hexOf(DATAGRAM_VECTOR.key));
	});
});

describe("a frame as datagrams", () => {
	const { channel, datagramBytes, fields, jpeg, datagrams } = DATAGRAM_VECTOR;
	const mac = hmac(DATAGRAM_VECTOR.key);

	it("the device writes the vector's datagrams", () => {
		const framer = new FrameDatagrams(channel, datagramBytes, mac);
		expect(framer.count(jpeg.byteLength)).toBe(datagrams.length);
		datagrams.forEach((expected, index) => expect(hexOf(framer.datagram(fields, jpeg, index))).toBe(hexOf(expected)));
		// the camera's frame is a host buffer, an ArrayBuffer to the firmware: the same bytes from it
		expect(hexOf(framer.datagram(fields, jpeg.slice().buffer, 1))).toBe(hexOf(datagrams[1]));
	});

	it("the receiver reads them back into the frame's body, in either order", () => {
		expect(datagrams.map(channelOf)).toEqual([channel, channel]);
		const read = datagrams.map((datagram) => readDatagram(datagram, mac));
		expect(read.map(({ seq, index, count }) => [seq, index, count])).toEqual([[7, 0, 2], [7, 1, 2]]);
		const reassembly = new FrameReassembly(1 << 20);
		expect(reassembly.take(read[1], 0)).toBeUndefined();
		const body = reassembly.take(read[0], 1);
		expect(hexOf(body!)).toBe(hexOf(fields) + hexOf(jpeg));
		expect(reassembly).toMatchObject({ completed: 1, lost: 0, rejected: 0 });
	});

	it("refuses a datagram with any bit changed, or signed under another key", () => {
		for (let at = 0; at < datagrams[0].byteLength; at++) {
			const changed = datagrams[0].slice();
			changed[at] ^= 0x01;
			if (channelOf(changed) === undefined) continue; // the magic, version or type: not an xscam datagram at all
			expect(() => readDatagram(changed, mac), "bit 0 of byte " + at).toThrow(expect.objectContaining({ code: "XSCAM_ERR_BAD_DATAGRAM" }));
		}
		expect(() => readDatagram(datagrams[0], hmac(key))).toThrow("its MAC does not hold");
	});

	it("is no message of the connection: type 09 there is an unknown type", () => {
		const decoder = new Decoder({ from: "device", maxBodyBytes: 1 << 20, onMessage: () => {} });
		expect(() => decoder.push(datagrams[1])).toThrow(expect.objectContaining({ code: "XSCAM_ERR_BAD_TYPE" }));
	});
});
