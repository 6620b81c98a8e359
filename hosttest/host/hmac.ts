// hmac on the board, as the SDK's modules/crypt/etc/hmac.js behaves (RFC 2104 over any Digest): it
// takes over the digest it is given; the key goes through `new Uint8Array(key)`, so a string key is an
// empty key, without a word, as on the device; a key longer than the digest's block is hashed first.
// The SDK's sign() and verify() are broken (they call a write() HMAC has not), so there are none here.

import type { Digest } from "crypt";
import type DeviceHMAC from "hmac";

export default class HMAC {
	readonly #digest: Digest;
	readonly #inner: Uint8Array;
	readonly #outer: Uint8Array;

	constructor(digest: Digest, key: ArrayBuffer | Uint8Array) {
		this.#digest = digest;
		let bytes = new Uint8Array(key as ArrayBuffer); // a string here is an empty key, as on the device
		if (bytes.byteLength > digest.blockSize) {
			digest.reset();
			digest.write(bytes);
			bytes = new Uint8Array(digest.close());
		}
		this.#inner = new Uint8Array(digest.blockSize).fill(0x36);
		this.#outer = new Uint8Array(digest.blockSize).fill(0x5c);
		for (let i = 0; i < bytes.byteLength; i++) {
			this.#inner[i] ^= bytes[i];
			this.#outer[i] ^= bytes[i];
		}
		this.reset();
	}

	update(...items: (ArrayBuffer | Uint8Array)[]): void {
		for (const item of items) this.#digest.write(item);
	}

	close(): ArrayBuffer {
		const digest = this.#digest;
		const inner = digest.close();
		digest.reset();
		digest.write(this.#outer);
		digest.write(inner);
		return digest.close();
	}

	reset(): void {
		this.#digest.reset();
		this.#digest.write(this.#inner);
	}

	process(...items: (ArrayBuffer | Uint8Array)[]): ArrayBuffer {
		this.reset();
		this.update(...items);
		return this.close();
	}
}

HMAC satisfies typeof DeviceHMAC;
