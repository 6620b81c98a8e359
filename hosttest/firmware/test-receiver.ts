// A minimal receiver for firmware tests: real TCP on loopback, the shared decoder, and a welcome for
// every hello. It records what arrives; a test can stop reading a socket (a slow network), send it
// messages, or close everything and listen again on the same port (the server went away).

import { createHmac, randomBytes } from "node:crypto";
import { offerTerms, proofInput, type Prover } from "../../src/protocol/auth";
import { createServer, type Server, type Socket } from "node:net";
import { HELLO_FLAG_AUTH, NONCE_BYTES, PROOF_BYTES } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import type { ControlResult, ControlSettings, DeviceMessage, Frame, Hello } from "../../src/protocol/types";

export interface ReceivedFrame extends Omit<Frame, "jpeg"> {
	jpeg: Uint8Array;
	connection: number;
}

export class TestReceiver {
	readonly frames: ReceivedFrame[] = [];
	readonly messages: DeviceMessage[] = [];
	readonly sockets: Socket[] = [];
	port = 0;
	connections = 0;
	#server: Server | undefined;
	#waiters: (() => boolean)[] = [];
	readonly #pinging = new Set<NodeJS.Timeout>();
	pingInterval = 5000;
	/**
	 * What it does with a camera that authenticates, not knowing its key: "welcome" it at once (as a
	 * receiver of before authentication would), or "pretend": challenge it and answer with a made-up proof.
	 */
	impostor: "welcome" | "pretend" = "welcome";
	/** The camera's key: with it, a camera that authenticates is challenged and proved to for real. */
	key: Uint8Array | undefined;
	/** Per connection (1 = the first), once its camera authenticated: signs an update offer as a receiver does. */
	readonly signers = new Map<number, (sha256: Uint8Array, size: number, version: string) => Uint8Array>();

	async listen(port = 0): Promise<number> {
		const server = createServer((socket) => this.#accept(socket));
		await new Promise<void>((resolve, reject) => {
			server.once("error", reject);
			server.listen(port, "127.0.0.1", () => resolve());
		});
		this.#server = server;
		this.port = (server.address() as { port: number }).port;
		return this.port;
	}

	/** Closes the listener and every connection (the server went away). */
	async close(): Promise<void> {
		for (const pinging of this.#pinging) clearInterval(pinging);
		this.#pinging.clear();
		for (const socket of this.sockets) socket.destroy();
		this.sockets.length = 0;
		const server = this.#server;
		this.#server = undefined;
		if (server) await new Promise((resolve) => server.close(resolve));
	}

	/** Resolves once `predicate` holds, checking after every message. */
	until(predicate: () => boolean): Promise<void> {
		if (predicate()) return Promise.resolve();
		return new Promise((resolve) => {
			this.#waiters.push(() => {
				if (!predicate()) return false;
				resolve();
				return true;
			});
		});
	}

	send(connection: number, bytes: Uint8Array): void {
		this.sockets[connection - 1].write(bytes);
	}

	/** Sends a control request on `connection` and resolves with the device's answer to it. */
	async control(connection: number, requestId: number, settings: ControlSettings): Promise<ControlResult> {
		this.send(connection, encode({ type: "control", requestId, settings }));
		const answered = () => this.messages.find((message): message is ControlResult => message.type === "controlResult" && message.requestId === requestId);
		await this.until(() => answered() !== undefined);
		return answered()!;
	}

	/**
	 * Pings `connection` three times per ping interval until it closes, except while it is paused (a
	 * stalled receiver neither reads nor pings), as a receiver does: without pings, a camera takes the
	 * receiver for gone after three silent intervals.
	 */
	keepAlive(connection: number): void {
		const socket = this.sockets[connection - 1];
		let token = 0;
		const pinging = setInterval(() => {
			if (!socket.isPaused()) socket.write(encode({ type: "ping", token: token++ }));
		}, this.pingInterval / 3);
		this.#pinging.add(pinging);
		socket.once("close", () => {
			clearInterval(pinging);
			this.#pinging.delete(pinging);
		});
	}

	/** Stops reading a connection (1 = the first): a slow network or a stalled server, as TCP sees it. */
	pause(connection: number): void {
		this.sockets[connection - 1].pause();
	}

	resume(connection: number): void {
		this.sockets[connection - 1].resume();
	}

	#accept(socket: Socket): void {
		const connection = ++this.connections;
		this.sockets.push(socket);
		const challenge = randomBytes(NONCE_BYTES);
		let hello: Hello | undefined;
		const decoder = new Decoder<DeviceMessage>({
			from: "device", maxBodyBytes: 4 << 20,
			onMessage: (message) => {
				if (message.type === "frame") this.frames.push({ ...message, jpeg: message.jpeg.slice(), connection });
				else this.messages.push(message);
				const welcome = () => socket.write(encode({ type: "welcome", serverTime: Date.now(), pingInterval: this.pingInterval, maxBodyBytes: 4 << 20 }));
				if (message.type === "hello") hello = message;
				if (message.type === "hello" && message.flags & HELLO_FLAG_AUTH && (this.impostor === "pretend" || this.key))
					socket.write(encode({ type: "challenge", nonce: challenge }));
				else if (message.type === "auth" && this.key) {
					const { key } = this;
					const prove = (who: Prover, terms?: Uint8Array) => createHmac("sha256", key).update(proofInput(who, hello!.id, challenge, message.nonce, terms)).digest();
					this.signers.set(connection, (sha256, size, version) => prove("update", offerTerms(sha256, size, version)));
					socket.write(encode({ type: "accepted", proof: prove("receiver") }));
					welcome();
				}
				else if (message.type === "hello" || message.type === "auth") {
					if (message.type === "auth") socket.write(encode({ type: "accepted", proof: randomBytes(PROOF_BYTES) }));
					welcome();
				}
				this.#waiters = this.#waiters.filter((settled) => !settled());
			},
		});
		socket.on("data", (data) => decoder.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
		socket.on("error", () => {});
	}
}
