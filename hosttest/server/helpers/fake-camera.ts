// A camera for the receiver's tests: real TCP to the real listener, every message through the shared
// encoder, every answer through the shared decoder.

import { createSocket, type Socket as DatagramSocket } from "node:dgram";
import { connect } from "node:net";
import type { Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { describeControls } from "../../../src/app/control";
import { OV2640 } from "../../../src/camera/sensors/ov2640";
import { randomBytes } from "node:crypto";
import { FRAME_FIELDS_BYTES, HELLO_FLAG_AUTH, HELLO_FLAG_CAPABILITIES, NONCE_BYTES } from "../../../src/protocol/constants";
import { FrameDatagrams, type Mac } from "../../../src/protocol/datagram";
import { CODECS } from "../../../src/protocol/messages";
import { createHmac } from "node:crypto";
import { sameProof } from "../../../src/protocol/auth";
import { prove } from "../../../server/ingest/camera-auth";
import { testKey } from "./test-keys";
import { Decoder } from "../../../src/protocol/decoder";
import { encode } from "../../../src/protocol/encoder";
import type { ControlDescription, DeviceMessage, Hello, ServerMessage, Stats, Welcome } from "../../../src/protocol/types";

/** What the firmware announces on an OV2640 board (src/app/control.ts). */
export const OV2640_CONTROLS: ControlDescription[] = describeControls(OV2640);

type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

export class FakeCamera {
	readonly socket: Socket;
	/** Every message the receiver sent, in order. */
	readonly received: ServerMessage[] = [];
	/** Resolves when the receiver (or the test) closed the connection. */
	readonly closed: Promise<void>;
	seq = 0;
	/** The receiver's clock minus this one, from the welcome, as a device learns it: frames are stamped on the receiver's clock. */
	clockOffset = 0;
	/** The key its datagrams are signed under, once it authenticated. */
	datagramKey: Uint8Array | undefined;
	#datagramSocket: DatagramSocket | undefined;
	readonly #taken = new Set<ServerMessage>();
	readonly #waiters = new Set<() => void>();
	readonly #decoder = new Decoder<ServerMessage>({
		from: "server", maxBodyBytes: 1 << 20,
		onMessage: (message) => {
			this.received.push(message);
			for (const wake of this.#waiters) wake();
		},
	});

	private constructor(socket: Socket) {
		this.socket = socket;
		socket.on("data", (chunk) => this.#decoder.push(chunk));
		socket.on("error", () => {});
		this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
		this.closed.then(() => { for (const wake of this.#waiters) wake(); });
	}

	/** Connects in clear text, or over TLS trusting only `tls.ca` (certificates for 127.0.0.1). */
	static connect(port: number, tls?: { ca: string }): Promise<FakeCamera> {
		return new Promise((resolve, reject) => {
			const socket: Socket = tls
				? connectTls({ port, host: "127.0.0.1", ca: tls.ca }, () => resolve(new FakeCamera(socket)))
				: connect(port, "127.0.0.1", () => resolve(new FakeCamera(socket)));
			socket.once("error", reject);
		});
	}

	/**
	 * Connects, says hello, authenticates with `key` (by default the test key of its id, test-keys.ts;
	 * "none": a camera without a key, which does not authenticate) and announces `controls` (by default
	 * the firmware's for an OV2640; "none": a v1 camera, which announces nothing); resolves with the
	 * welcome. Rejects when the receiver closes the connection or its proof is wrong.
	 */
	static async online(port: number, id: string, hello: Partial<Hello> = {}, controls: ControlDescription[] | "none" = OV2640_CONTROLS,
		key: Uint8Array | "none" = testKey(id)): Promise<{ camera: FakeCamera; welcome: Welcome }> {
		const camera = await FakeCamera.connect(port);
		return { camera, welcome: await camera.greet(id, hello, controls, key) };
	}

	/** What online() does once connected: hello, authentication, capabilities; resolves with the welcome. */
	async greet(id: string, hello: Partial<Hello> = {}, controls: ControlDescription[] | "none" = OV2640_CONTROLS,
		key: Uint8Array | "none" = testKey(id)): Promise<Welcome> {
		const flags = (controls === "none" ? 0 : HELLO_FLAG_CAPABILITIES) | (key === "none" ? 0 : HELLO_FLAG_AUTH);
		this.send({ type: "hello", flags, id, firmware: "0.1.0", board: "test", sensor: "OV2640", width: 320, height: 240, ...hello });
		if (key !== "none") await this.authenticate(key, hello.id ?? id);
		if (controls !== "none") this.send({ type: "capabilities", controls });
		const welcome = await this.take("welcome");
		this.clockOffset = welcome.serverTime - Date.now();
		return welcome;
	}

	/** Answers the receiver's challenge with a proof under `key`, and checks the receiver's. */
	async authenticate(key: Uint8Array, id: string): Promise<void> {
		const challenge = await this.take("challenge");
		const nonce = randomBytes(NONCE_BYTES);
		this.send({ type: "auth", nonce, proof: prove(key, "device", id, challenge.nonce, nonce) });
		const accepted = await this.take("accepted");
		if (!sameProof(accepted.proof, prove(key, "receiver", id, challenge.nonce, nonce))) throw new Error("the receiver's proof is wrong");
		this.datagramKey = prove(key, "datagrams", id, challenge.nonce, nonce);
	}

	send(message: DeviceMessage): void {
		this.socket.write(encode(message));
	}

	/** Sends a frame with the next sequence number (or `seq`). */
	frame(jpeg: Uint8Array, options: { seq?: number; captureTime?: number; width?: number; height?: number } = {}): void {
		const seq = options.seq ?? this.seq;
		this.seq = seq + 1;
		this.send({ type: "frame", seq, captureTime: options.captureTime ?? Date.now() + this.clockOffset, width: options.width ?? 320, height: options.height ?? 240, jpeg });
	}

	/**
	 * Sends a frame with the next sequence number (or `seq`) as datagrams, to the port and channel of the
	 * receiver's datagrams message, from `from` (127.0.0.1 by default), each signed with `mac` (under the
	 * datagram key by default), leaving out the pieces numbered in `skip`. Resolves once they are sent.
	 */
	async datagramFrame(jpeg: Uint8Array, options: { seq?: number; skip?: number[]; mac?: Mac; from?: string; datagramBytes?: number } = {}): Promise<void> {
		const offer = this.received.find((message) => message.type === "datagrams");
		if (!offer) throw new Error("the receiver offered no datagrams");
		const seq = options.seq ?? this.seq;
		this.seq = seq + 1;
		const key = this.datagramKey!;
		const framer = new FrameDatagrams(offer.channel, options.datagramBytes ?? offer.datagramBytes,
			options.mac ?? ((input) => createHmac("sha256", key).update(input).digest()));
		const body = new Uint8Array(FRAME_FIELDS_BYTES);
		CODECS.frame.prepare({ type: "frame", seq, captureTime: Date.now() + this.clockOffset, width: 320, height: 240, jpeg: new Uint8Array(0) })
			.write(body, new DataView(body.buffer), 0);
		const socket = this.#datagramSocket ??= await boundDatagramSocket(options.from ?? "127.0.0.1");
		for (let index = 0; index < framer.count(jpeg.byteLength); index++) {
			if (options.skip?.includes(index)) continue;
			const datagram = Buffer.from(framer.datagram(body, jpeg, index)); // a copy: the framer reuses its buffer
			await new Promise<void>((resolve, reject) => socket.send(datagram, offer.port, "127.0.0.1", (error) => (error ? reject(error) : resolve())));
		}
	}

	stats(stats: Partial<Stats> = {}): void {
		this.send({ type: "stats", uptime: 60, captured: 100, sent: 90, dropped: 10, reconnects: 1, fps: 9.5, rssi: -61, freeHeap: 123456, ...stats });
	}

	/** The first message of `type` not taken yet, waiting for it if needed; rejects if the connection closes first. */
	take<T extends ServerMessage["type"]>(type: T): Promise<Of<T>> {
		return new Promise((resolve, reject) => {
			const look = () => {
				const found = this.received.find((message) => message.type === type && !this.#taken.has(message));
				if (found !== undefined) {
					this.#taken.add(found);
					this.#waiters.delete(look);
					resolve(found as Of<T>);
				}
				else if (this.socket.destroyed) {
					this.#waiters.delete(look);
					reject(new Error("connection closed while waiting for " + type));
				}
			};
			this.#waiters.add(look);
			look();
		});
	}

	/** Answers every control message with `answer(settings)` from now on. */
	answerControls(answer: (settings: Of<"control">["settings"]) => { applied?: object; pending?: object; refused?: object }): void {
		const check = () => {
			for (const message of this.received) {
				if (message.type !== "control" || this.#taken.has(message)) continue;
				this.#taken.add(message);
				const { applied = {}, pending = {}, refused = {} } = answer(message.settings);
				this.send({ type: "controlResult", requestId: message.requestId, applied, pending, refused } as DeviceMessage);
			}
		};
		this.#waiters.add(check);
		check();
	}

	close(): Promise<void> {
		this.socket.destroy();
		this.#datagramSocket?.close();
		this.#datagramSocket = undefined;
		return this.closed;
	}
}

function boundDatagramSocket(address: string): Promise<DatagramSocket> {
	const socket = createSocket("udp4");
	return new Promise((resolve, reject) => {
		socket.once("error", reject);
		socket.bind(0, address, () => resolve(socket));
	});
}
