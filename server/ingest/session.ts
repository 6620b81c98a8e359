// One camera connection (docs/protocol.md, "Conversation"): hello first, then frames, stats, control
// results and pongs. Everything the camera sends goes through the shared Decoder, which checks every
// length against a limit before it buffers a byte; anything wrong closes this connection only, with one
// log line naming the camera (or the remote address before the hello) and the error's code.

import type { Socket } from "node:net";
import { MAX_HELLO_BODY_BYTES } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { isProtocolError } from "../../src/protocol/errors";
import type { ControlResult, ControlSettings, DeviceMessage, Frame, Hello, Message } from "../../src/protocol/types";
import type { Camera, CameraLink } from "../cameras";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { isXscamError, xscamError } from "../errors";

/** docs/protocol.md: the receiver closes a connection that sends nothing for three ping intervals. */
const SILENT_INTERVALS = 3;
/** Control requests waiting for an answer, per camera. */
const MAX_CONTROLS_IN_FLIGHT = 16;

interface PendingControl {
	resolve(result: ControlResult): void;
	reject(error: Error): void;
	cancel: Cancel;
}

/** Why a connection ended, as its log line and the disconnect metric show it. */
export interface CloseReason {
	/** An XSCAM_ERR_* code, a socket error code such as ECONNRESET, or "closed" when the camera hung up. */
	code: string;
	message: string;
	/** Whether the camera broke a rule (protocol, timeouts), as opposed to an ordinary hang-up or takeover. */
	fault: boolean;
}

const ORDINARY = new Set(["XSCAM_ERR_REPLACED", "XSCAM_ERR_SHUTDOWN"]);
/** A bug of the receiver surfaced while handling a message: logged with its stack, unlike everything else. */
const INTERNAL = "internal";

function reasonOf(error: Error | undefined): CloseReason {
	if (error === undefined) return { code: "closed", message: "closed by the camera", fault: false };
	if (isProtocolError(error) || isXscamError(error)) return { code: error.code, message: error.message, fault: !ORDINARY.has(error.code) };
	const { code, syscall } = error as NodeJS.ErrnoException;
	if (code !== undefined && syscall !== undefined) return { code, message: error.message, fault: false }; // ECONNRESET and kin
	return { code: INTERNAL, message: error.message, fault: true };
}

export class Session implements CameraLink {
	readonly remote: string;
	/** Resolves once the connection is closed and the session has let go of everything (timers, the camera). */
	readonly closed: Promise<void>;
	#resolveClosed!: () => void;
	readonly #socket: Socket;
	readonly #core: Core;
	readonly #onClosed: (session: Session, reason: CloseReason) => void;
	#decoder: Decoder<DeviceMessage>;
	#streaming = false; // the decoder takes the configured limit (after the hello)
	#camera: Camera | undefined;
	#lastSeq: number | undefined;
	#lastHeard: number;
	#cancelTimer: Cancel; // the hello timeout, then the ping interval
	#pingToken = 0;
	#nextRequestId = 0;
	readonly #pending = new Map<number, PendingControl>();
	#error: Error | undefined; // why it is closing; set once
	#badFrameLogged = false;

	constructor(socket: Socket, core: Core, onClosed: (session: Session, reason: CloseReason) => void) {
		this.#socket = socket;
		this.#core = core;
		this.#onClosed = onClosed;
		this.remote = socket.remoteAddress + ":" + socket.remotePort;
		this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
		this.#decoder = this.#newDecoder(MAX_HELLO_BODY_BYTES); // until the hello, nothing bigger is buffered
		this.#lastHeard = core.clock.now();
		const { helloTimeoutMs } = core.options;
		this.#cancelTimer = core.clock.after(helloTimeoutMs, () => this.close(xscamError("XSCAM_ERR_HELLO_TIMEOUT", helloTimeoutMs)));
		socket.setNoDelay(true); // pings and controls are tiny and should not wait for Nagle
		socket.on("data", (chunk: Buffer) => this.#onData(chunk));
		socket.on("error", (error) => { this.#error ??= error; }); // 'close' follows
		socket.on("close", () => this.#onClose());
	}

	/** Closes the connection; the first reason given is the one logged. */
	close(reason: Error): void {
		this.#error ??= reason;
		this.#socket.destroy();
	}

	control(settings: ControlSettings): Promise<ControlResult> {
		const id = this.#camera?.id ?? this.remote;
		if (this.#socket.destroyed) return Promise.reject(xscamError("XSCAM_ERR_CAMERA_OFFLINE", id));
		if (this.#pending.size >= MAX_CONTROLS_IN_FLIGHT)
			return Promise.reject(xscamError("XSCAM_ERR_CONTROL_BUSY", id, MAX_CONTROLS_IN_FLIGHT));
		do this.#nextRequestId = (this.#nextRequestId + 1) & 0xffff; // u16 on the wire
		while (this.#pending.has(this.#nextRequestId));
		const requestId = this.#nextRequestId;
		const { controlTimeoutMs } = this.#core.options;
		return new Promise((resolve, reject) => {
			const cancel = this.#core.clock.after(controlTimeoutMs, () => {
				this.#pending.delete(requestId);
				reject(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", id, requestId, controlTimeoutMs));
			});
			this.#pending.set(requestId, { resolve, reject, cancel });
			this.#send({ type: "control", requestId, settings });
		});
	}

	#newDecoder(maxBodyBytes: number): Decoder<DeviceMessage> {
		return new Decoder<DeviceMessage>({ from: "device", maxBodyBytes, onMessage: (message) => this.#onMessage(message) });
	}

	#send(message: Message): void {
		if (!this.#socket.destroyed) this.#socket.write(encode(message));
	}

	#onData(chunk: Buffer): void {
		if (this.#error !== undefined) return; // closing: the rest is not read
		this.#lastHeard = this.#core.clock.now(); // any byte proves the camera is alive, not only a pong
		try {
			const held = this.#decoder.push(chunk);
			// The device sends nothing between its hello and our welcome, so once the hello is decoded and no
			// partial message is held, the stream continues in a decoder with the configured limit.
			if (!this.#streaming && this.#camera !== undefined && held === 0) {
				this.#decoder = this.#newDecoder(this.#core.options.maxMessageBytes);
				this.#streaming = true;
			}
		}
		catch (error) {
			this.close(error as Error);
		}
	}

	/** Throws a coded error to close the connection (the decoder passes it on out of push()). */
	#onMessage(message: DeviceMessage): void {
		const camera = this.#camera;
		if (message.type === "hello") {
			if (camera !== undefined) throw xscamError("XSCAM_ERR_SECOND_HELLO");
			this.#hello(message);
			return;
		}
		if (camera === undefined) throw xscamError("XSCAM_ERR_NO_HELLO", message.type);
		switch (message.type) {
			case "frame":
				this.#frame(camera, message);
				break;
			case "stats":
				camera.stats = message;
				break;
			case "controlResult": {
				const pending = this.#pending.get(message.requestId);
				if (pending === undefined) break; // answered after its timeout: the caller has gone
				this.#pending.delete(message.requestId);
				pending.cancel();
				pending.resolve(message);
				break;
			}
			case "pong":
				break; // #lastHeard already moved
		}
	}

	#hello(hello: Hello): void {
		const { cameras, clock, options, log } = this.#core;
		const { camera, replaced } = cameras.attach(hello, this);
		this.#camera = camera;
		// docs/protocol.md: a second connection with the id of a connected camera replaces the first.
		replaced?.close(xscamError("XSCAM_ERR_REPLACED", this.remote));
		this.#cancelTimer();
		this.#send({ type: "welcome", serverTime: clock.now(), pingInterval: options.pingIntervalMs, maxBodyBytes: options.maxMessageBytes });
		this.#cancelTimer = clock.every(options.pingIntervalMs, () => this.#tick());
		log.info({
			camera: camera.id, remote: this.remote, firmware: hello.firmware, board: hello.board, sensor: hello.sensor,
			width: hello.width, height: hello.height, connections: camera.connections, replaced: replaced?.remote,
		}, "camera " + camera.id + " connected" + (replaced ? ", replacing " + replaced.remote : ""));
	}

	#tick(): void {
		const { clock, options } = this.#core;
		const silence = clock.now() - this.#lastHeard;
		if (silence >= SILENT_INTERVALS * options.pingIntervalMs) {
			this.close(xscamError("XSCAM_ERR_SILENT", silence));
			return;
		}
		this.#pingToken = (this.#pingToken + 1) >>> 0;
		this.#send({ type: "ping", token: this.#pingToken });
	}

	#frame(camera: Camera, frame: Frame): void {
		let lost = 0;
		if (this.#lastSeq !== undefined) {
			const gap = (frame.seq - this.#lastSeq - 1) >>> 0; // seq wraps at 2^32
			if (gap < 0x80000000) lost = gap; // a jump backwards is a confused device, not 4 billion lost frames
		}
		this.#lastSeq = frame.seq;
		// A payload that is not a JPEG is dropped and counted, and the connection stays: the framing is
		// intact (the length was right), and one corrupt sensor frame is no reason to cut a camera off.
		if (!this.#core.cameras.frame(camera, frame, lost) && !this.#badFrameLogged) {
			this.#badFrameLogged = true; // once per connection: a broken sensor would otherwise flood the log
			this.#core.log.warn({ camera: camera.id, remote: this.remote, seq: frame.seq },
				"camera " + camera.id + " sent a frame that is not a JPEG (no FF D8 start); dropping such frames");
		}
	}

	#onClose(): void {
		this.#cancelTimer();
		const reason = reasonOf(this.#error);
		const camera = this.#camera;
		const id = camera?.id ?? this.remote;
		for (const [requestId, pending] of this.#pending) {
			pending.cancel();
			pending.reject(xscamError("XSCAM_ERR_CONTROL_ABORTED", id, requestId));
		}
		this.#pending.clear();
		if (camera !== undefined) this.#core.cameras.detach(camera, this, reason.code);
		const who = camera !== undefined ? "camera " + camera.id : "connection from " + this.remote;
		const fields = { camera: camera?.id, remote: this.remote, code: reason.code };
		if (reason.code === INTERNAL) this.#core.log.error({ ...fields, err: this.#error }, who + " closed by a receiver bug");
		else if (reason.fault) this.#core.log.warn(fields, who + " closed: " + reason.message);
		else this.#core.log.info(fields, who + " disconnected: " + reason.message);
		this.#onClosed(this, reason);
		this.#resolveClosed();
	}
}
