// crypt's Digest on the board (modules/crypt/digest/crypt.js and modCrypt.c): the SDK's exact names
// ("SHA256", never "sha256": Error("crypt: unsupported digest")), write() of a string or of bytes
// (ArrayBuffer, a 1-byte typed array, a DataView; anything else TypeError("invalid buffer")), close()
// returning a new ArrayBuffer, reset(). The hashing itself is the board's (native, as the SDK's C is).
// One rule is stricter than the SDK: a write after close() without reset() throws here, where the SDK
// silently hashes on from a finished state.

import type { Digest as DeviceDigest } from "crypt";
import { board, type DigestName } from "./board";

const SIZES: { readonly [name in DigestName]: readonly [block: number, output: number] } = {
	MD5: [64, 16], SHA1: [64, 20], SHA224: [64, 28], SHA256: [64, 32], SHA384: [128, 48], SHA512: [128, 64],
};

function bytesOf(data: unknown): Uint8Array {
	if (typeof data === "string") {
		const bytes: number[] = [];
		for (const character of unescape(encodeURIComponent(data))) bytes.push(character.charCodeAt(0));
		return Uint8Array.from(bytes);
	}
	if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
	if (data instanceof Uint8Array || data instanceof Int8Array || data instanceof Uint8ClampedArray) return new Uint8Array(data);
	if (data instanceof DataView) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
	throw new TypeError("invalid buffer");
}

export class Digest {
	readonly #name: DigestName;
	#chunks: Uint8Array[] = [];
	#closed = false;

	constructor(type: DigestName) {
		if (!(type in SIZES)) throw new Error("crypt: unsupported digest");
		this.#name = type;
	}

	get blockSize(): number {
		return SIZES[this.#name][0];
	}

	get outputSize(): number {
		return SIZES[this.#name][1];
	}

	write(data: string | ArrayBuffer | Uint8Array): void {
		if (this.#closed) throw new Error("digest closed: reset() first");
		this.#chunks.push(bytesOf(data));
	}

	update(data: string | ArrayBuffer | Uint8Array): void {
		this.write(data);
	}

	close(): ArrayBuffer {
		this.#closed = true;
		let length = 0;
		for (const chunk of this.#chunks) length += chunk.byteLength;
		const all = new Uint8Array(length);
		let offset = 0;
		for (const chunk of this.#chunks) {
			all.set(chunk, offset);
			offset += chunk.byteLength;
		}
		return board().digest(this.#name, all).slice().buffer;
	}

	reset(): void {
		this.#chunks = [];
		this.#closed = false;
	}
}

Digest satisfies typeof DeviceDigest;
