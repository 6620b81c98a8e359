// The decoder against input nobody planned for (both directions): random bytes, valid streams cut
// anywhere, and valid streams mutated. Whatever comes, it either delivers messages the encoder can
// write again or throws a coded protocol error, never anything else; it never holds more than one
// header and one body within its limit; and a valid stream decodes the same however it is split.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HEADER_BYTES } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { isProtocolError } from "../../src/protocol/errors";
import type { Message } from "../../src/protocol/types";
import { deviceMessage, mutate, mutation, runs, serverMessage, split, streamOf } from "./arbitraries";

const LIMIT = 4096; // the body limit of these decoders: small, so frames at and past it are common

/** Pushes `chunks` until the decoder throws; what it delivered (copied), what it threw, and the most it held. */
function decode(from: "device" | "server", chunks: Uint8Array[]) {
	const messages: Message[] = [];
	const decoder = new Decoder({ from, maxBodyBytes: LIMIT, ownFrames: true, onMessage: (message) => void messages.push(message) });
	let held = 0;
	for (const chunk of chunks) {
		try {
			held = Math.max(held, decoder.push(chunk));
		}
		catch (error) {
			return { messages, error, held };
		}
	}
	return { messages, error: undefined, held };
}

const chunked = (bytes: Uint8Array) => fc.array(fc.nat(), { maxLength: 8 }).map((cuts) => split(bytes, cuts));

describe.each(["device", "server"] as const)("a decoder of %s messages", (from) => {
	const messages: fc.Arbitrary<Message> = from === "device" ? deviceMessage(LIMIT - 16) : serverMessage;

	it("takes random bytes in random chunks: messages or a protocol error, and never more held than a body within the limit", () => {
		fc.assert(fc.property(fc.uint8Array({ maxLength: 3 * LIMIT }).chain(chunked), (chunks) => {
			const { messages: delivered, error, held } = decode(from, chunks);
			if (error !== undefined) expect(isProtocolError(error), String(error)).toBe(true);
			expect(held).toBeLessThanOrEqual(LIMIT);
			for (const message of delivered) expect(() => encode(message)).not.toThrow();
		}), { numRuns: runs(300, 0.125) });
	});

	it("decodes a valid stream to the messages it was made of, however it is split", () => {
		fc.assert(fc.property(fc.array(messages, { minLength: 1, maxLength: 6 }).chain((list) =>
			chunked(streamOf(list)).map((chunks) => ({ list, chunks }))), ({ list, chunks }) => {
			const { messages: delivered, error } = decode(from, chunks);
			expect(error).toBeUndefined();
			expect(delivered).toEqual(list);
		}), { numRuns: runs(300, 0.125) });
	});

	it("takes a mutated valid stream: messages the encoder writes back byte for byte, or a protocol error", () => {
		fc.assert(fc.property(fc.array(messages, { minLength: 1, maxLength: 4 }), fc.array(mutation, { minLength: 1, maxLength: 4 }),
			fc.array(fc.nat(), { maxLength: 4 }), (list, mutations, cuts) => {
				const bytes = mutate(streamOf(list), mutations);
				const { messages: delivered, error, held } = decode(from, split(bytes, cuts));
				if (error !== undefined) expect(isProtocolError(error), String(error)).toBe(true);
				expect(held).toBeLessThanOrEqual(LIMIT);
				// Re-encoded, what was delivered is a prefix of the stream: nothing was read that the bytes do not say.
				const again = streamOf(delivered);
				if (delivered.every((message) => !("settings" in message || "controls" in message || "applied" in message)))
					expect(Buffer.from(bytes.subarray(0, again.byteLength)).equals(Buffer.from(again))).toBe(true);
			}), { numRuns: runs(300, 0.125) });
	});

	it("refuses a header whose length is past the limit before it buffers any of the body", () => {
		fc.assert(fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: LIMIT + 1, max: 0xffffffff }), (type, length) => {
			const header = new Uint8Array(HEADER_BYTES);
			const view = new DataView(header.buffer);
			header.set([0x58, 0x43, 0x01, type]);
			view.setUint32(4, length);
			const { error, held } = decode(from, [header, new Uint8Array(LIMIT)]);
			expect(isProtocolError(error), String(error)).toBe(true);
			expect(held).toBe(0);
		}), { numRuns: runs(300, 0.125) });
	});
});
