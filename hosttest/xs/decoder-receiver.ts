// A receiver inside the test process, on the XS board's network: the shared decoder
// (src/protocol/decoder.ts) reads every byte the firmware writes in XS, and a welcome answers each
// hello. It lives on the board's virtual clock (tick()), pings on it as the real server does, and is
// deterministic, so cranks cost the same in every run. Every error of the decoder fails the test.

import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { sameProof } from "../../src/protocol/auth";
import { HELLO_FLAG_AUTH, NONCE_BYTES } from "../../src/protocol/constants";
import type { Challenge, DeviceMessage, Frame, Hello } from "../../src/protocol/types";
import { prove } from "../../server/ingest/camera-auth";
import type { PeerConnection, WireEnd, XsNetwork } from "./xs-network";

export interface DecoderReceiverOptions {
	/** Where it listens. */
	address: string;
	port: number;
	/** Each frame as decoded; its JPEG is a view valid during the call. By default frames are kept (copied). */
	onFrame?: (frame: Frame, connection: number) => void;
	pingInterval?: number;
	maxBodyBytes?: number;
	/** The camera's key: a camera that authenticates is challenged and held to its proof under it. */
	key?: Uint8Array;
}

export interface KeptFrame extends Frame {
	connection: number;
}

export class DecoderReceiver implements XsNetwork {
	readonly frames: KeptFrame[] = [];
	/** Every other message, in order. */
	readonly messages: DeviceMessage[] = [];
	/** Frames decoded, kept or not. */
	frameCount = 0;
	connections = 0;
	/** Bytes the firmware wrote, and how many write() calls they came in. */
	bytes = 0;
	writes = 0;
	readonly #options: DecoderReceiverOptions;
	readonly #pingInterval: number;
	readonly #maxBodyBytes: number;
	readonly #streams = new Set<{ end: WireEnd; nextPing: number }>();
	#now = 0;
	#token = 0;

	constructor(options: DecoderReceiverOptions) {
		this.#options = options;
		this.#pingInterval = options.pingInterval ?? 5000;
		this.#maxBodyBytes = options.maxBodyBytes ?? 4 << 20;
	}

	connect(address: string, port: number, end: WireEnd): PeerConnection {
		if (address !== this.#options.address || port !== this.#options.port) {
			end.closed(true); // refused
			return { write() {}, close() {} };
		}
		const connection = ++this.connections;
		const stream = { end, nextPing: Infinity };
		let hello: Hello | undefined;
		const challenge: Challenge = { type: "challenge", nonce: new Uint8Array(NONCE_BYTES).fill(connection) }; // the same in every run
		const decoder = new Decoder<DeviceMessage>({
			from: "device", maxBodyBytes: this.#maxBodyBytes,
			onMessage: (message) => {
				if (message.type !== "frame") this.messages.push(message);
				const welcome = () => {
					end.data(encode({ type: "welcome", serverTime: this.#now, pingInterval: this.#pingInterval, maxBodyBytes: this.#maxBodyBytes }));
					stream.nextPing = this.#now + this.#pingInterval;
					this.#streams.add(stream);
				};
				if (message.type === "hello") {
					hello = message;
					if (message.flags & HELLO_FLAG_AUTH) end.data(encode(challenge));
					else welcome();
				}
				else if (message.type === "auth") {
					const { key } = this.#options;
					// a wrong proof throws: the crank, and so the test, fails
					if (!key || !sameProof(message.proof, prove(key, "device", hello!.id, challenge.nonce, message.nonce))) throw new Error("the camera's proof is wrong");
					end.data(encode({ type: "accepted", proof: prove(key, "receiver", hello!.id, challenge.nonce, message.nonce) }));
					welcome();
				}
				else if (message.type === "frame") {
					this.frameCount++;
					if (this.#options.onFrame) this.#options.onFrame(message, connection);
					else this.frames.push({ ...message, jpeg: message.jpeg.slice(), connection });
				}
			},
		});
		end.connected();
		return {
			write: (bytes) => {
				this.bytes += bytes.byteLength;
				this.writes++;
				decoder.push(bytes); // throws on a protocol error: the crank, and so the test, fails
			},
			close: () => void this.#streams.delete(stream),
		};
	}

	tick(now: number): void {
		this.#now = now;
		for (const stream of this.#streams) {
			if (now < stream.nextPing) continue;
			stream.nextPing += this.#pingInterval;
			stream.end.data(encode({ type: "ping", token: ++this.#token }));
		}
	}
}
