// The receiver's side of a camera's authentication (docs/protocol.md, "Authentication"; what goes into
// each proof is src/protocol/auth.ts): a fresh nonce in the challenge, the device's proof checked under
// the key of the id it claims, and the receiver's own proof back, so the camera knows it reached the
// receiver that holds its key. Why one failed is for the receiver's log only: the camera sees the
// connection close, whether its id is unknown or its proof wrong.

import { createHmac, randomBytes } from "node:crypto";
import { offerTerms, proofInput, sameProof, type Prover } from "../../src/protocol/auth";
import { NONCE_BYTES } from "../../src/protocol/constants";
import type { Accepted, Auth, Challenge, Hello } from "../../src/protocol/types";

export function prove(key: Uint8Array, who: Prover, id: string, receiverNonce: Uint8Array, deviceNonce: Uint8Array, terms?: Uint8Array): Uint8Array {
	return createHmac("sha256", key).update(proofInput(who, id, receiverNonce, deviceNonce, terms)).digest();
}

/** Signs a firmware offer on one authenticated connection (docs/protocol.md, "Firmware updates"). */
export type SignOffer = (sha256: Uint8Array, size: number, version: string) => Uint8Array;

export class CameraAuthentication {
	readonly hello: Hello;
	readonly challenge: Challenge;

	/** For the hello of a device that set HELLO_FLAG_AUTH. */
	constructor(hello: Hello) {
		this.hello = hello;
		this.challenge = { type: "challenge", nonce: randomBytes(NONCE_BYTES) };
	}

	/**
	 * The receiver's answer when `auth` proves the key `key` (undefined: the id has none), how to sign
	 * an update offer on this connection, and the key its datagrams are signed under; else why not.
	 */
	verify(auth: Auth, key: Uint8Array | undefined): { accepted: Accepted; signOffer: SignOffer; datagramKey: Uint8Array } | { failure: string } {
		if (key === undefined) return { failure: "no key for this id" };
		const { id } = this.hello;
		const nonce = this.challenge.nonce;
		const expected = prove(key, "device", id, nonce, auth.nonce);
		if (!sameProof(expected, auth.proof)) return { failure: "wrong proof" };
		return {
			accepted: { type: "accepted", proof: prove(key, "receiver", id, nonce, auth.nonce) },
			signOffer: (sha256, size, version) => prove(key, "update", id, nonce, auth.nonce, offerTerms(sha256, size, version)),
			datagramKey: prove(key, "datagrams", id, nonce, auth.nonce), // docs/protocol.md, "Frames as datagrams"
		};
	}
}
