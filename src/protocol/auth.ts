// How a camera and its receiver prove to each other that they hold the camera's key (docs/protocol.md,
// "Authentication"): a nonce from each side, and an HMAC-SHA256 under the key over a label that names
// who proves, the camera's id, and both nonces. The labels differ, so neither side's proof can be
// reflected back as the other's; the nonces are fresh on every connection, so no proof can be replayed.
// Each side computes the HMAC with what it has (the SDK's digest on the device, node:crypto on the
// receiver); this file says what goes into it. Runtime-neutral.

import { NONCE_BYTES } from "./constants";
import { utf8Length, writeUtf8 } from "./utf8";

/**
 * Who proves: each side its key, and the receiver again for each firmware update it offers; "datagrams"
 * is no proof but the input of the connection's datagram key (datagram.ts), which both sides derive.
 */
export type Prover = "device" | "receiver" | "update" | "datagrams";

const LABELS: { readonly [who in Prover]: string } = {
	device: "xscam device", receiver: "xscam receiver", update: "xscam update", datagrams: "xscam datagrams",
};

/**
 * What `who` signs: its label, 0, the camera id, 0, the receiver's nonce, the device's nonce, and then
 * `terms` (an update's, offerTerms()).
 */
export function proofInput(who: Prover, id: string, receiverNonce: Uint8Array, deviceNonce: Uint8Array, terms: Uint8Array = new Uint8Array(0)): Uint8Array {
	const label = LABELS[who];
	const head = utf8Length(label) + 1 + utf8Length(id) + 1;
	const input = new Uint8Array(head + 2 * NONCE_BYTES + terms.byteLength);
	const afterLabel = writeUtf8(input, 0, label) + 1; // a zero byte between the fields
	writeUtf8(input, afterLabel, id);
	input.set(receiverNonce, head);
	input.set(deviceNonce, head + NONCE_BYTES);
	input.set(terms, head + 2 * NONCE_BYTES);
	return input;
}

/**
 * What an update offer's proof covers beyond the session's nonces: the image's SHA-256, its size (4
 * bytes) and its version in UTF-8. Without the key nobody can offer an image, even in the middle of a
 * connection without TLS, and the SHA-256 then holds every chunk to it.
 */
export function offerTerms(sha256: Uint8Array, size: number, version: string): Uint8Array {
	const terms = new Uint8Array(sha256.byteLength + 4 + utf8Length(version));
	terms.set(sha256, 0);
	new DataView(terms.buffer).setUint32(sha256.byteLength, size);
	writeUtf8(terms, sha256.byteLength + 4, version);
	return terms;
}

/** Whether two proofs are equal, looking at every byte whatever the first difference (no timing hint). */
export function sameProof(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	let difference = 0;
	for (let i = 0; i < a.byteLength; i++) difference |= a[i] ^ b[i];
	return difference === 0;
}
