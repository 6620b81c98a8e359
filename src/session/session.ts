// The xscam conversation with the receiver (docs/protocol.md, "Conversation"), kept alive for as long
// as the device runs, over whatever pipe the transport gives: resolve the receiver's name, open a pipe,
// say hello, prove the camera's key and hold the receiver to its own proof (authenticator.ts), describe
// the camera's settings, wait for the welcome and learn the receiver's clock,
// stream, answer pings and controls, send stats. Any failure (refused, reset, closed by the peer, a
// protocol error, or silence for three ping intervals, which is how a half-open connection shows) tears
// the connection down, closes its frames, and tries again after a backoff with jitter. The stream
// resumes by itself.

import type { DisposableFrame } from "embedded:io/image/in/camera";
import type Timer from "timer";
import { Backoff } from "../backoff";
import type { Resolver } from "../network/resolver";
import { HELLO_FLAG_AUTH, HELLO_FLAG_CAPABILITIES, HELLO_FLAG_DATAGRAMS, HELLO_FLAG_UPDATES, MAX_JSON_BYTES } from "../protocol/constants";
import { Decoder } from "../protocol/decoder";
import { encode } from "../protocol/encoder";
import { CODECS } from "../protocol/messages";
import type { ControlAnswer, ControlDescription, ControlSettings, Datagrams, Hello, ServerMessage, UpdateChunk, UpdateOffer, UpdateStatus } from "../protocol/types";
import type { ReceiverAddress } from "../app/settings";
import type { OpenPipe, Pipe } from "../transport/pipe";
import { DeviceAuthenticator, type Prove } from "./authenticator";
import { DatagramSender, type DatagramIO } from "./datagram-sender";
import { FrameSchedule } from "./frame-schedule";
import { Writer } from "./writer";

type TimerId = ReturnType<typeof Timer.set>; // an opaque handle: a Timer object on the SDK, a number elsewhere

export type SessionState = "stopped" | "resolving" | "connecting" | "handshaking" | "streaming" | "waiting";

/** What the hello says the device is. */
export type Identity = Omit<Hello, "type" | "flags">;

/** Who takes firmware updates (update/firmware-updater.ts). */
export interface UpdateHandler {
	offer(offer: UpdateOffer): UpdateStatus;
	chunk(chunk: UpdateChunk): UpdateStatus;
	/** The connection ended: an update under way is given up. */
	abort(reason: string): void;
}

/** The device's own numbers for the stats message. */
export interface DeviceStats {
	/** Seconds since the device started. */
	uptime: number;
	/** Frames read from the camera. */
	captured: number;
	/** Frames the camera layer closed unsent (a newer one was already waiting in the camera). */
	superseded: number;
	rssi: number | undefined;
	freeHeap: number | undefined;
}

export interface SessionOptions {
	openPipe: OpenPipe;
	resolver: Resolver;
	Timer: typeof Timer;
	/** The receivers, each a host name or an IPv4 literal and its camera port: the next is tried when one fails. */
	receivers: ReceiverAddress[];
	identity: Identity;
	/** The settings the camera takes, announced after the hello; absent: the device announces none. */
	controls?: ControlDescription[];
	/** HMAC-SHA256 under the camera's key; absent: the camera has no key and does not authenticate. */
	prove?: Prove;
	onControl: (settings: ControlSettings) => ControlAnswer;
	/**
	 * Frames as datagrams where the receiver offers them (only with `prove`: they are signed under a key
	 * from the authentication); absent: frames go on the connection.
	 */
	datagrams?: DatagramIO;
	/** Firmware updates over the session; absent: the hello does not offer to take them. */
	updates?: UpdateHandler;
	/** Read for each stats message. */
	deviceStats: () => DeviceStats;
	/** Every change of state; `reason` says why a connection ended, `retryIn` how long until the next try. */
	onChanged: (state: SessionState, reason?: string, retryIn?: number) => void;
	/** The receiver's clock (ms since the epoch) in each welcome: a device without one learns the date here. */
	onWelcome?: (serverTime: number) => void;
	now?: () => number;
	backoff?: Backoff;
	/** Limits for the phases before the welcome, ms. */
	connectTimeout?: number;
	handshakeTimeout?: number;
}

const TICK = 1000;
/** Stats go every this many ticks while streaming. */
const STATS_TICKS = 2;
const SILENT_PINGS = 3;

export class Session {
	/** Connections opened after the first. */
	reconnects = 0;
	readonly #options: SessionOptions;
	readonly #now: () => number;
	readonly #backoff: Backoff;
	readonly #decoder: Decoder<ServerMessage>;
	readonly #frames: FrameSchedule;
	readonly #writer: Writer;
	readonly #hello: Uint8Array;
	readonly #capabilities: Uint8Array | undefined;
	#state: SessionState = "stopped";
	#pipe: Pipe | undefined;
	#authenticator: DeviceAuthenticator | undefined; // of this connection, when the camera has a key
	#opened = 0;
	#deadline = 0; // when the current phase has waited too long
	#silenceLimit = 0;
	#ticks = 0;
	#statsAt = 0;
	#sentAtStats = 0;
	#tick: TimerId | undefined;
	#retry: TimerId | undefined;
	#at = 0; // the receiver of this attempt, in options.receivers
	#address = ""; // the receiver's IP address on this connection
	#datagramOffer: Datagrams | undefined; // of this connection, until the welcome

	constructor(options: SessionOptions) {
		this.#options = options;
		this.#now = options.now ?? Date.now;
		this.#backoff = options.backoff ?? new Backoff({ base: 500, max: 30_000 });
		// the largest message a device takes is a control, or a chunk of an update where it takes them
		const maxBodyBytes = options.updates ? CODECS.updateChunk.body[1] : MAX_JSON_BYTES;
		this.#decoder = new Decoder<ServerMessage>({ from: "server", maxBodyBytes, onMessage: (message) => this.#received(message) });
		const { identity, controls } = options;
		this.#frames = new FrameSchedule(identity.width, identity.height);
		this.#writer = new Writer(this.#frames, () => this.#fail("write failed"));
		if (options.datagrams && !options.prove) throw new Error("datagrams need a key: they are signed under one from the authentication");
		const flags = (controls ? HELLO_FLAG_CAPABILITIES : 0) | (options.prove ? HELLO_FLAG_AUTH : 0) | (options.updates ? HELLO_FLAG_UPDATES : 0) |
			(options.datagrams ? HELLO_FLAG_DATAGRAMS : 0);
		this.#hello = encode({ type: "hello", flags, ...identity });
		this.#capabilities = controls && encode({ type: "capabilities", controls });
	}

	get state(): SessionState {
		return this.#state;
	}

	/** Frames closed unsent by the session (latest wins, not streaming, too large). */
	get dropped(): number {
		return this.#frames.dropped;
	}

	/** Frames a second the datagrams are paced to (Infinity: not paced), or undefined: frames go on the connection. */
	get datagramRate(): number | undefined {
		return this.#frames.datagrams?.pacedRate;
	}

	/** The receiver being tried, or streamed to. */
	get receiver(): ReceiverAddress {
		return this.#options.receivers[this.#at];
	}

	start(): void {
		if (this.#state !== "stopped") return;
		this.#tick = this.#options.Timer.repeat(() => this.#onTick(), TICK);
		this.#resolve();
	}

	/** Closes the connection and its frames; start() opens a new one. */
	stop(): void {
		if (this.#state === "stopped") return;
		this.#teardown("the session stopped");
		this.#options.Timer.clear(this.#tick);
		this.#options.Timer.clear(this.#retry);
		this.#tick = this.#retry = undefined;
		this.#enter("stopped");
	}

	/** Takes ownership of a camera frame captured at `time` (device clock); it is closed exactly once. */
	offer(frame: DisposableFrame, time: number): void {
		if (this.#frames.offer(frame, time)) this.#writer.pump();
	}

	#resolve(): void {
		this.#enter("resolving");
		this.#deadline = this.#now() + (this.#options.connectTimeout ?? 10_000);
		const { server } = this.receiver;
		this.#options.resolver.resolve(server, (address) => {
			if (this.#state !== "resolving") return;
			if (address) this.#open(address);
			else this.#fail("cannot resolve " + server);
		});
	}

	#open(address: string): void {
		if (this.#opened++ > 0) this.reconnects++;
		this.#address = address;
		// Callbacks of this pipe alone: a late event of a pipe already given up is dropped. null, not
		// undefined, so that a pipe whose opening threw never matches the #pipe a teardown left undefined
		// (one comparison: onWritable comes with every write).
		let pipe: Pipe | null = null;
		try {
			pipe = this.#pipe = this.#options.openPipe({
				address, port: this.receiver.port, host: this.receiver.server,
				onWritable: () => {
					if (pipe !== this.#pipe) return; // a late event of a pipe given up
					if (this.#state === "connecting") this.#handshaking();
					this.#writer.pump();
				},
				onReadable: () => {
					if (pipe === this.#pipe) this.#readable();
				},
				onError: (reason) => {
					if (pipe === this.#pipe) this.#fail(reason ?? (this.#state === "connecting" ? "cannot connect" : "connection lost"));
				},
			});
		}
		catch (error) {
			this.#fail("cannot connect: " + (error as Error).message); // e.g. "connect error" with no route
			return;
		}
		this.#writer.attach(pipe);
		this.#writer.post("hello", this.#hello);
		const { prove } = this.#options;
		if (prove) this.#authenticator = new DeviceAuthenticator(this.#options.identity.id, prove);
		else this.#describe(); // a camera that authenticates describes itself once it has (the receiver listens to no one before)
		this.#enter("connecting");
	}

	/** The pipe connected: the receiver has until the handshake timeout to welcome us. */
	#handshaking(): void {
		this.#enter("handshaking");
		this.#deadline = this.#now() + (this.#options.handshakeTimeout ?? 10_000);
	}

	#readable(): void {
		const data = this.#pipe!.read();
		if (!data) return;
		if (this.#state === "streaming") this.#deadline = this.#now() + this.#silenceLimit;
		try {
			this.#decoder.push(new Uint8Array(data));
		}
		catch (error) {
			this.#fail("protocol: " + (error as Error).message);
		}
	}

	#describe(): void {
		if (this.#capabilities) this.#writer.post("capabilities", this.#capabilities);
	}

	/** Throws to drop the connection (the decoder passes it on out of push()). */
	#received(message: ServerMessage): void {
		const authenticator = this.#authenticator;
		if (message.type === "challenge" || message.type === "accepted") {
			if (this.#state !== "handshaking" || !authenticator) throw new Error(message.type + " the camera did not ask for");
			if (message.type === "challenge") {
				this.#writer.post("auth", encode(authenticator.answer(message)));
				this.#describe();
			}
			else authenticator.check(message);
			return;
		}
		if (message.type === "datagrams") {
			if (this.#state !== "handshaking" || !this.#options.datagrams || !authenticator?.proved || this.#datagramOffer)
				throw new Error("a datagrams message the camera did not ask for");
			this.#datagramOffer = message;
			return;
		}
		if (message.type === "welcome") {
			if (this.#state !== "handshaking") throw new Error("a second welcome");
			if (authenticator && !authenticator.proved) throw new Error("a welcome from a receiver that did not prove it holds this camera's key");
			this.#backoff.reset();
			this.#silenceLimit = SILENT_PINGS * message.pingInterval;
			this.#deadline = this.#now() + this.#silenceLimit;
			this.#frames.open(message.serverTime - this.#now(), message.maxBodyBytes);
			const offer = this.#datagramOffer;
			if (offer) this.#frames.sendAsDatagrams(new DatagramSender(this.#options.datagrams!, this.#address, offer, authenticator!.datagramKey(), this.#now()));
			this.#statsAt = this.#now(); // the first stats of a connection count from its welcome
			this.#sentAtStats = this.#frames.sent;
			this.#enter("streaming");
			this.#options.onWelcome?.(message.serverTime);
			this.#writer.welcome();
			return;
		}
		if (this.#state !== "streaming") throw new Error(message.type + " before the welcome");
		if (message.type === "ping") this.#writer.post("pong", encode({ type: "pong", token: message.token }));
		else if (message.type === "datagramReport") {
			const datagrams = this.#frames.datagrams;
			if (!datagrams) throw new Error("a datagram report on a connection that sends no datagrams");
			datagrams.report(message, this.#now());
		}
		else if (message.type === "updateOffer" || message.type === "updateChunk") {
			const { updates } = this.#options;
			if (!updates) throw new Error(message.type + " to a camera that takes no updates");
			this.#writer.post("updateStatus", encode(message.type === "updateChunk" ? updates.chunk(message) : this.#offered(updates, message)));
		}
		else if (!this.#writer.post("controlResult", encode({ type: "controlResult", requestId: message.requestId, ...this.#options.onControl(message.settings) })))
			throw new Error("too many control messages");
	}

	/** An offer goes to the updater only when it is signed under the camera's key for this connection. */
	#offered(updates: UpdateHandler, offer: UpdateOffer): UpdateStatus {
		const refuse = (reason: string): UpdateStatus => ({ type: "updateStatus", state: "failed", offset: 0, reason });
		if (!this.#authenticator) return refuse("this camera has no key: it takes updates only from a receiver that proves it holds one");
		if (!this.#authenticator.signed(offer)) return refuse("the offer is not signed with this camera's key");
		return updates.offer(offer);
	}

	#onTick(): void {
		const state = this.#state;
		if (state === "streaming" && ++this.#ticks % STATS_TICKS === 0) this.#sendStats();
		if (state === "stopped" || state === "waiting" || this.#now() <= this.#deadline) return;
		this.#fail(state === "streaming" ? "server silent for " + SILENT_PINGS + " ping intervals" : "timed out " + state);
	}

	#sendStats(): void {
		const now = this.#now();
		const device = this.#options.deviceStats();
		const sent = this.#frames.sent;
		const fps = now > this.#statsAt ? (sent - this.#sentAtStats) * 1000 / (now - this.#statsAt) : 0;
		this.#statsAt = now;
		this.#sentAtStats = sent;
		this.#writer.post("stats", encode({
			type: "stats", uptime: device.uptime, captured: device.captured, sent, dropped: this.#frames.dropped + device.superseded,
			reconnects: this.reconnects, fps, rssi: device.rssi === undefined ? undefined : Math.max(-128, Math.min(126, device.rssi)),
			freeHeap: device.freeHeap,
		}));
	}

	#fail(reason: string): void {
		if (this.#state === "stopped" || this.#state === "waiting") return;
		this.#teardown(reason);
		const delay = this.#backoff.next();
		this.#retry = this.#options.Timer.set(() => {
			this.#retry = undefined;
			this.#at = (this.#at + 1) % this.#options.receivers.length; // the next receiver, after the same backoff
			this.#resolve();
		}, delay);
		this.#enter("waiting", reason, delay);
	}

	#teardown(reason: string): void {
		this.#options.updates?.abort(reason);
		this.#authenticator = undefined;
		this.#datagramOffer = undefined;
		this.#writer.detach();
		this.#decoder.reset();
		this.#options.resolver.cancel();
		const pipe = this.#pipe;
		this.#pipe = undefined;
		if (pipe) pipe.close();
	}

	#enter(state: SessionState, reason?: string, retryIn?: number): void {
		this.#state = state;
		this.#options.onChanged(state, reason, retryIn);
	}
}
