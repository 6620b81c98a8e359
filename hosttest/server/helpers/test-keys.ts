// The cameras' keys in the receiver's tests: every id has one, made from the id, so a FakeCamera and
// the receiver agree without a file. A test of a camera without a key says so (FakeCamera's `key: "none"`).

import { createHash } from "node:crypto";
import type { KeyLookup } from "../../../server/auth/camera-keys";

export function testKey(id: string): Uint8Array {
	return createHash("sha256").update("xscam test key " + id).digest();
}

export const TEST_KEYS: KeyLookup = { get: testKey, size: Infinity };

/** A receiver that knows no key: with --insecure-cameras, every camera may come without one. */
export const NO_KEYS: KeyLookup = { get: () => undefined, size: 0 };
