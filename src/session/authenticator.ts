// The device's side of its authentication (docs/protocol.md, "Authentication"; what goes into each proof
// is protocol/auth.ts): it answers the receiver's challenge with a fresh nonce of its own and its proof,
// and holds the receiver to its proof before it takes the welcome, so it never streams to, or takes
// controls from, a receiver that does not hold its key. One per connection.

import { offerTerms, proofInput, sameProof } from "../protocol/auth";
import { datagramKeyInput } from "../protocol/datagram";
import { NONCE_BYTES } from "../protocol/constants";
import type { Accepted, Auth, Challenge, UpdateOffer } from "../protocol/types";

/** HMAC-SHA256 under the camera's key. */
export type Prove = (input: Uint8Array) => Uint8Array;

/**
 * NONCE_BYTES random bytes. XS's Math.random() draws from the ESP32's hardware generator
 * (esp_random(), xs/platforms/esp/xsHost.h c_rand), 31 bits a call; the SDK's simulator on Linux seeds
 * nothing, so its nonces repeat from run to run (docs/security.md).
 */
export function deviceNonce(): Uint8Array {
	const nonce = new Uint8Array(NONCE_BYTES);
	for (let i = 0; i < NONCE_BYTES; i += 2) {
		const draw = Math.floor(Math.random() * 0x10000);
		nonce[i] = draw >> 8;
		nonce[i + 1] = draw & 0xff;
	}
	return nonce;
}

export class DeviceAuthenticator {
	readonly #id: string;
	readonly #prove: Prove;
	readonly #nonce: () => Uint8Array;
	#expected: Uint8Array | undefined; // the receiver's proof, once the challenge is answered
	#nonces: [receiver: Uint8Array, device: Uint8Array] | undefined;
	#proved = false;

	constructor(id: string, prove: Prove, nonce: () => Uint8Array = deviceNonce) {
		this.#id = id;
		this.#prove = prove;
		this.#nonce = nonce;
	}

	/** Whether the receiver proved it holds the key on this connection. */
	get proved(): boolean {
		return this.#proved;
	}

	/** The answer to `challenge`; throws (dropping the connection) on a second challenge. */
	answer(challenge: Challenge): Auth {
		if (this.#expected) throw new Error("a second challenge");
		const nonce = this.#nonce();
		this.#nonces = [challenge.nonce, nonce];
		this.#expected = this.#prove(proofInput("receiver", this.#id, challenge.nonce, nonce));
		return { type: "auth", nonce, proof: this.#prove(proofInput("device", this.#id, challenge.nonce, nonce)) };
	}

	/** Throws (dropping the connection) unless `accepted` proves the receiver holds the key. */
	check(accepted: Accepted): void {
		if (!this.#expected) throw new Error("accepted before the challenge");
		if (!sameProof(accepted.proof, this.#expected)) throw new Error("the receiver does not hold this camera's key");
		this.#proved = true;
	}

	/** The key this connection's datagrams are signed under (protocol/datagram.ts), once the receiver proved itself. */
	datagramKey(): Uint8Array {
		if (!this.#proved) throw new Error("datagrams before the receiver proved it holds this camera's key");
		const [receiverNonce, deviceNonce] = this.#nonces!;
		return this.#prove(datagramKeyInput(this.#id, receiverNonce, deviceNonce));
	}

	/** Whether `offer` was signed under the key for this connection (only a proved receiver's can be). */
	signed(offer: UpdateOffer): boolean {
		if (!this.#proved) return false;
		const [receiverNonce, deviceNonce] = this.#nonces!;
		return sameProof(offer.proof, this.#prove(proofInput("update", this.#id, receiverNonce, deviceNonce, offerTerms(offer.sha256, offer.size, offer.version))));
	}
}
