// The one TCP connection to the receiver, kept alive for as long as the device runs: resolve the server
// name (the SDK's TCP takes IPv4 literals only), connect, say hello, wait for the welcome, stream, answer
// pings and controls. Any failure (refused, reset, closed by the peer, a protocol error, or silence for
// three ping intervals, which is how a half-open connection shows) tears the connection down, closes its
// frames, and tries again after a backoff with jitter. The stream resumes by itself.

import type TCP from "embedded:io/socket/tcp";
import type Net from "net";
import type Timer from "timer";
import { Backoff } from "../backoff";
import { MAX_CONTROL_BYTES } from "../protocol/constants";
import { Decoder } from "../protocol/decoder";
import { encode } from "../protocol/encoder";
import type { Control, ControlResult, Hello, ServerMessage, Stats } from "../protocol/types";
import { isIPv4 } from "./address";
import { Sender } from "./sender";

type TimerId = ReturnType<typeof Timer.set>; // an opaque handle: a Timer object on the SDK, a number elsewhere

export type ConnectionState = "stopped" | "resolving" | "connecting" | "handshaking" | "streaming" | "waiting";

export type ControlAnswer = Pick<ControlResult, "applied" | "pending" | "refused">;

export interface ConnectionOptions {
	TCP: typeof TCP;
	Net: typeof Net;
	Timer: typeof Timer;
	server: string;
	port: number;
	hello: Hello;
	onControl: (control: Control) => ControlAnswer;
	/** Every change of state; `reason` says why a connection ended, `retryIn` how long until the next try. */
	onChanged: (state: ConnectionState, reason?: string, retryIn?: number) => void;
	now?: () => number;
	backoff?: Backoff;
	/** Limits for the phases before the welcome, ms. */
	connectTimeout?: number;
	handshakeTimeout?: number;
}

const WATCHDOG_INTERVAL = 1000;
const SILENT_PINGS = 3;

export class Connection {
	readonly sender: Sender;
	/** Connections opened after the first. */
	reconnects = 0;
	readonly #options: ConnectionOptions;
	readonly #now: () => number;
	readonly #backoff: Backoff;
	readonly #decoder: Decoder<ServerMessage>;
	#state: ConnectionState = "stopped";
	#socket: TCP | undefined;
	#opened = 0;
	#attempts = 0; // resolutions started; a late answer to an abandoned one is ignored
	#deadline = 0; // when the current phase has waited too long
	#silenceLimit = 0;
	#watchdog: TimerId | undefined;
	#retry: TimerId | undefined;

	constructor(options: ConnectionOptions) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#backoff = options.backoff ?? new Backoff({ base: 500, max: 30_000 });
		this.#decoder = new Decoder<ServerMessage>({
			from: "server", maxBodyBytes: MAX_CONTROL_BYTES, onMessage: (message) => this.#received(message),
		});
		this.sender = new Sender(options.hello.width, options.hello.height, () => this.#fail("write failed"));
	}

	get state(): ConnectionState {
		return this.#state;
	}

	start(): void {
		if (this.#state !== "stopped") return;
		this.#watchdog = this.#options.Timer.repeat(() => this.#check(), WATCHDOG_INTERVAL);
		this.#resolve();
	}

	/** Closes the connection and its frames; start() opens a new one. */
	stop(): void {
		if (this.#state === "stopped") return;
		this.#teardown();
		this.#clearTimers();
		this.#enter("stopped");
	}

	sendStats(stats: Stats): void {
		if (this.#state === "streaming") this.sender.stats(encode(stats));
	}

	#resolve(): void {
		this.#enter("resolving");
		this.#deadline = this.#now() + (this.#options.connectTimeout ?? 10_000);
		const server = this.#options.server;
		if (isIPv4(server)) {
			this.#open(server);
			return;
		}
		const attempt = ++this.#attempts;
		this.#options.Net.resolve(server, (_name, address) => {
			if (this.#state !== "resolving" || attempt !== this.#attempts) return; // gave up on this attempt meanwhile
			if (address) this.#open(address);
			else this.#fail("cannot resolve " + server);
		});
	}

	#open(address: string): void {
		if (this.#opened++ > 0) this.reconnects++;
		const connection = this;
		let socket: TCP;
		try {
			socket = new this.#options.TCP({
				address, port: this.#options.port, nodelay: true,
				onWritable(count) {
					if (this === connection.#socket) connection.#writable(count);
				},
				onReadable() {
					if (this === connection.#socket) connection.#readable();
				},
				onError() {
					if (this === connection.#socket) connection.#fail(connection.#state === "connecting" ? "cannot connect" : "connection lost");
				},
			});
		}
		catch (error) {
			this.#fail("cannot connect: " + (error as Error).message); // e.g. "connect error" with no route
			return;
		}
		this.#socket = socket;
		this.sender.attach(socket, encode(this.#options.hello));
		this.#enter("connecting");
	}

	#writable(count: number): void {
		if (this.#state === "connecting") {
			this.#enter("handshaking");
			this.#deadline = this.#now() + (this.#options.handshakeTimeout ?? 10_000);
		}
		this.sender.writable(count);
	}

	#readable(): void {
		const data = this.#socket!.read();
		if (typeof data !== "object") return; // undefined: nothing buffered (the SDK's typings say number | ArrayBuffer)
		if (this.#state === "streaming") this.#deadline = this.#now() + this.#silenceLimit;
		try {
			this.#decoder.push(new Uint8Array(data));
		}
		catch (error) {
			this.#fail("protocol: " + (error as Error).message);
		}
	}

	#received(message: ServerMessage): void {
		if (message.type === "welcome") {
			if (this.#state !== "handshaking") throw new Error("a second welcome");
			this.#backoff.reset();
			this.#silenceLimit = SILENT_PINGS * message.pingInterval;
			this.#deadline = this.#now() + this.#silenceLimit;
			this.sender.startFrames(message.serverTime - this.#now(), message.maxBodyBytes);
			this.#enter("streaming");
			return;
		}
		if (this.#state !== "streaming") throw new Error(message.type + " before the welcome");
		if (message.type === "ping") this.sender.pong(encode({ type: "pong", token: message.token }));
		else {
			const answer = this.#options.onControl(message);
			if (!this.sender.result(encode({ type: "controlResult", requestId: message.requestId, ...answer })))
				throw new Error("too many control messages");
		}
	}

	#check(): void {
		const state = this.#state;
		if (state === "stopped" || state === "waiting" || this.#now() <= this.#deadline) return;
		this.#fail(state === "streaming" ? "server silent for " + SILENT_PINGS + " ping intervals" : "timed out " + state);
	}

	#fail(reason: string): void {
		if (this.#state === "stopped" || this.#state === "waiting") return;
		this.#teardown();
		const delay = this.#backoff.next();
		this.#retry = this.#options.Timer.set(() => {
			this.#retry = undefined;
			this.#resolve();
		}, delay);
		this.#enter("waiting", reason, delay);
	}

	#teardown(): void {
		this.sender.detach();
		this.#decoder.reset();
		const socket = this.#socket;
		this.#socket = undefined;
		if (socket) socket.close();
	}

	#clearTimers(): void {
		this.#options.Timer.clear(this.#watchdog);
		this.#options.Timer.clear(this.#retry);
		this.#watchdog = this.#retry = undefined;
	}

	#enter(state: ConnectionState, reason?: string, retryIn?: number): void {
		this.#state = state;
		this.#options.onChanged(state, reason, retryIn);
	}
}
