// crypt (modules/crypt/digest/crypt.js, modCrypt.c): the SDK's native digests. As the SDK's own
// typings/crypt.d.ts, with the buffers the runtime takes (1-byte typed arrays too).

declare module "crypt" {
	type DigestType = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";

	export class Digest {
		/** Throws Error("crypt: unsupported digest") for any other name (case matters). */
		constructor(type: DigestType);
		write(message: string | ArrayBuffer | Uint8Array): void;
		/** The digest, a new ArrayBuffer; reset() before writing again. */
		close(): ArrayBuffer;
		reset(): void;
		get blockSize(): number;
		get outputSize(): number;
		update(message: string | ArrayBuffer | Uint8Array): void;
	}
}
