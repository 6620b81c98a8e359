// One vector table (vectors.ts) drives decode, encode, round trip and split-at-every-offset tests.
import { describe, expect, it } from "vitest";
import { SERVER_TO_DEVICE } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { CODECS } from "../../src/protocol/messages";
import type { Message, UpdateOffer } from "../../src/protocol/types";
import { offerTerms, proofInput } from "../../src/protocol/auth";
import { prove } from "../../server/ingest/camera-auth";
import { AUTH_VECTOR, ERROR_VECTORS, VECTORS } from "./vectors";

function decodeAll(from: "device" | "server", chunks: Uint8Array[]): { messages: Message[]; held: number[] } {
	const messages: Message[] = [];
	const held: number[] = [];
	// Frame payloads are views valid only during the callback: copy them, as a receiver must.
	const decoder = new Decoder({
		from, maxBodyBytes: 1 << 20,
		onMessage: (message) => messages.push(message.type === "frame" ? { ...message, jpeg: message.jpeg.slice() } : message),
	});
	for (const chunk of chunks) held.push(decoder.push(chunk));
	return { messages, held };
}

const sender = (message: Message) => (CODECS[message.type].code & SERVER_TO_DEVICE ? "server" : "device");

describe.each(VECTORS)("$name", ({ message, bytes }) => {
	it("encodes to the vector's bytes", () => {
		expect(Buffer.from(encode(message)).toString("hex")).toBe(Buffer.from(bytes).toString("hex"));
	});

	it("decodes the vector's bytes", () => {
		const { messages, held } = decodeAll(sender(message), [bytes]);
		expect(messages).toEqual([message]);
		expect(held).toEqual([0]);
	});

	it("round-trips: decode(encode(message)) equals message", () => {
		expect(decodeAll(sender(message), [encode(message)]).messages).toEqual([message]);
	});

	it("decodes the same message when split at every byte offset", () => {
		for (let cut = 1; cut < bytes.length; cut++) {
			const { messages, held } = decodeAll(sender(message), [bytes.subarray(0, cut), bytes.subarray(cut)]);
			expect(messages, "split at " + cut).toEqual([message]);
			expect(held, "split at " + cut).toEqual([cut, 0]);
		}
	});

	it("decodes it one byte at a time, and twice in one chunk", () => {
		const single = [...bytes].map((byte) => Uint8Array.of(byte));
		expect(decodeAll(sender(message), single).messages).toEqual([message]);
		const twice = new Uint8Array(bytes.length * 2);
		twice.set(bytes, 0);
		twice.set(bytes, bytes.length);
		expect(decodeAll(sender(message), [twice]).messages).toEqual([message, message]);
	});
});

describe.each(ERROR_VECTORS)("refuses $name", ({ from, code, bytes }) => {
	it("with " + "its code, and delivers nothing", () => {
		const messages: Message[] = [];
		const decoder = new Decoder({ from, maxBodyBytes: 1 << 20, onMessage: (message) => messages.push(message) });
		expect(() => decoder.push(bytes)).toThrow(expect.objectContaining({ code }));
		expect(messages).toEqual([]);
	});

	it("and starts clean on the next push", () => {
		const messages: Message[] = [];
		const decoder = new Decoder({ from, maxBodyBytes: 1 << 20, onMessage: (message) => messages.push(message) });
		expect(() => decoder.push(bytes)).toThrow();
		const good = VECTORS.find((vector) => sender(vector.message) === from)!;
		expect(decoder.push(good.bytes)).toBe(0);
		expect(messages).toHaveLength(1);
	});
});

describe("Decoder limits and frame ownership", () => {
	const hello = VECTORS.find((vector) => vector.name === "hello")!;
	const frame = VECTORS.find((vector) => vector.name === "frame")!;
	const both = Buffer.concat([hello.bytes, frame.bytes]);

	it("applies a limit raised while a message is delivered to the next message of the same chunk", () => {
		const types: string[] = [];
		const decoder: Decoder = new Decoder({
			from: "device", maxBodyBytes: 806,
			onMessage: (message) => {
				types.push(message.type);
				if (message.type === "hello") decoder.limit = 1 << 20; // what a receiver does once a camera said hello
			},
		});
		expect(decoder.push(Buffer.concat([hello.bytes, encode({ type: "frame", seq: 0, captureTime: 0, width: 1, height: 1, jpeg: new Uint8Array(2000) })]))).toBe(0);
		expect(types).toEqual(["hello", "frame"]);
	});

	it("hands a frame over in a buffer of its own with ownFrames: a copy of a whole frame, the assembled bytes of a split one", () => {
		const jpegs: Uint8Array[] = [];
		const decoder = new Decoder({ from: "device", maxBodyBytes: 1 << 20, ownFrames: true, onMessage: (message) => message.type === "frame" && jpegs.push(message.jpeg) });
		decoder.push(both); // whole, in one chunk
		const cut = hello.bytes.byteLength + 12;
		decoder.push(both.subarray(0, cut)); // split across two chunks
		decoder.push(both.subarray(cut));
		expect(jpegs).toHaveLength(2);
		for (const jpeg of jpegs) {
			expect(jpeg.buffer).not.toBe(both.buffer); // not a view of what the socket gave
			expect(jpeg.byteLength + 16).toBe(jpeg.buffer.byteLength); // the body's own bytes, nothing else held
			expect(Buffer.from(jpeg).toString("hex")).toBe("ffd8ffe00010ffd9");
		}
	});
});

describe("authentication proofs (docs/protocol.md)", () => {
	const { key, id, receiverNonce, deviceNonce } = AUTH_VECTOR;

	it("signs the documented inputs", () => {
		expect(Buffer.from(proofInput("device", id, receiverNonce, deviceNonce)).toString("hex")).toBe(Buffer.from(AUTH_VECTOR.deviceInput).toString("hex"));
		expect(Buffer.from(proofInput("receiver", id, receiverNonce, deviceNonce)).toString("hex")).toBe(Buffer.from(AUTH_VECTOR.receiverInput).toString("hex"));
	});

	it("signs an update offer over the session's nonces and the offer's terms", () => {
		const offer = VECTORS.find((vector) => vector.name === "update offer")!.message as UpdateOffer;
		const input = proofInput("update", id, receiverNonce, deviceNonce, offerTerms(offer.sha256, offer.size, offer.version));
		expect(Buffer.from(input).toString("hex")).toBe(Buffer.from(AUTH_VECTOR.updateInput).toString("hex"));
		expect(Buffer.from(prove(key, "update", id, receiverNonce, deviceNonce, offerTerms(offer.sha256, offer.size, offer.version)))).toEqual(Buffer.from(offer.proof));
	});

	it("makes the documented proofs on the receiver (node:crypto)", () => {
		expect(Buffer.from(prove(key, "device", id, receiverNonce, deviceNonce))).toEqual(Buffer.from(AUTH_VECTOR.deviceProof));
		expect(Buffer.from(prove(key, "receiver", id, receiverNonce, deviceNonce))).toEqual(Buffer.from(AUTH_VECTOR.receiverProof));
	});
});
