// hmac, the SDK's HMAC over any of its digests (modules/crypt/etc/hmac.js), which the SDK ships no
// typings for. Only what xscam relies on: a key as bytes (a string key silently becomes an empty key,
// so the type does not allow one), and process(). Its sign() and verify() are broken in 8.2.3 (they
// call a write() the class does not have) and are left out.

declare module "hmac" {
	import type { Digest } from "crypt";

	export default class HMAC {
		/** Takes over `digest`. A key longer than the digest's block is hashed first. */
		constructor(digest: Digest, key: ArrayBuffer | Uint8Array, bitlen?: number);
		update(...items: (ArrayBuffer | Uint8Array)[]): void;
		/** The MAC, a new ArrayBuffer; the HMAC is ready for the next message after reset(). */
		close(): ArrayBuffer;
		reset(): void;
		/** reset(), update(...items), close(). */
		process(...items: (ArrayBuffer | Uint8Array)[]): ArrayBuffer;
	}
}
