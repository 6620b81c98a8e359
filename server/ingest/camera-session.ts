// One camera connection (docs/protocol.md, "Conversation"), whatever carries it: hello first, then (for a
// camera that holds a key) the challenge and its answer (camera-auth.ts), then the capabilities it
// announced, frames, stats, control results and pongs. Only an authenticated camera, or on a receiver
// told --insecure-cameras one without a key, becomes a camera of the registry: an impostor's hello
// never touches the real camera's session. A transport adapter
// (socket-adapter.ts for TCP, and TLS, whose sockets are TCP's) feeds it bytes and tells it when the
// connection ended; it writes through the adapter's pipe. Everything the camera sends goes through the
// shared Decoder, which checks every length against a limit before it buffers a byte: the hello's own
// limit until the camera has said who it is, the configured body limit after. Anything wrong closes this
// connection only, with one log line naming the camera (or the remote address before the hello) and the
// error's code.

import { HELLO_FLAG_AUTH, HELLO_FLAG_DATAGRAMS } from "../../src/protocol/constants";
import { CODECS } from "../../src/protocol/messages";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import { isProtocolError } from "../../src/protocol/errors";
import type { Auth, ControlResult, ControlSettings, DeviceMessage, Hello, Message } from "../../src/protocol/types";
import type { Camera, CameraConnection } from "../cameras/camera";
import type { Cancel } from "../clock";
import type { Core } from "../core";
import { isXscamError, xscamError } from "../errors";
import type { FirmwareImage } from "../update/firmware-store";
import { FirmwareTransfer, type UpdateProgress } from "../update/transfer";
import { CameraAuthentication, type SignOffer } from "./camera-auth";
import { ControlRequests } from "./control-requests";
import type { DatagramChannel, DatagramChannels } from "./datagram-port";
import { FrameIntake } from "./frame-intake";

/** docs/protocol.md: the receiver closes a connection that sends nothing for three ping intervals. */
const SILENT_INTERVALS = 3;
/** docs/protocol.md: a camera sending datagrams hears what came of them this often, ms. */
export const DATAGRAM_REPORT_MS = 1000;

/** What a session needs of its connection: the transport adapter's side. */
export interface SessionPipe {
	/** "address:port" of the camera. */
	readonly remote: string;
	/** The camera's address alone: its datagrams must come from it. */
	readonly remoteAddress: string;
	/** Where the receiver takes frames as datagrams; undefined: it does not (--datagram-port off). */
	readonly datagrams: DatagramChannels | undefined;
	/** Queues bytes to the camera (small messages only: the transport buffers them). */
	write(bytes: Uint8Array): void;
	/** Ends the connection at once; the adapter then calls ended(). */
	destroy(): void;
}

/** What the transport adapter and the listener hear of a session. */
export interface SessionHooks {
	/** The camera authenticated (or needed not) and is in the registry. */
	admitted(session: CameraSession): void;
	closed(session: CameraSession, reason: CloseReason): void;
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

export class CameraSession implements CameraConnection {
	readonly remote: string;
	/** Resolves once the connection is closed and the session has let go of everything (timers, the camera). */
	readonly closed: Promise<void>;
	#resolveClosed!: () => void;
	readonly #pipe: SessionPipe;
	readonly #core: Core;
	readonly #hooks: SessionHooks;
	readonly #decoder: Decoder<DeviceMessage>;
	readonly #controls: ControlRequests;
	readonly #intake: FrameIntake;
	#camera: Camera | undefined;
	#authentication: CameraAuthentication | undefined; // from a hello that authenticates to its answer
	#described = false;
	#lastHeard: number;
	#cancelTimer: Cancel; // the hello timeout, then the ping interval
	#pingToken = 0;
	#transfer: FirmwareTransfer | undefined; // the firmware update of this connection
	#signOffer: SignOffer | undefined; // once the camera proved its key: updates go only to such a camera
	#channel: DatagramChannel | undefined; // where this connection's frames come as datagrams
	#cancelReports: Cancel = () => {};
	#closing = false; // close() was called or the connection ended: nothing more is read or written
	#error: Error | undefined; // why it is closing; set once

	/** `admitBy`: the clock's time by which the camera must be admitted (a TLS connection spent some of it on its handshake). */
	constructor(pipe: SessionPipe, core: Core, hooks: SessionHooks, admitBy = core.clock.now() + core.options.helloTimeoutMs) {
		this.#pipe = pipe;
		this.#core = core;
		this.#hooks = hooks;
		this.remote = pipe.remote;
		this.closed = new Promise((resolve) => { this.#resolveClosed = resolve; });
		// Until the camera is admitted, nothing bigger than a hello is buffered.
		this.#decoder = new Decoder<DeviceMessage>({
			from: "device", maxBodyBytes: CODECS.hello.body[1], ownFrames: true,
			allocateFrame: (byteLength) => this.#intake.allocateFrame(byteLength),
			onMessage: (message) => this.#onMessage(message),
		});
		this.#controls = new ControlRequests(core.clock, core.options.controlTimeoutMs);
		this.#intake = new FrameIntake(core, this.remote);
		this.#lastHeard = core.clock.now();
		const { helloTimeoutMs } = core.options;
		this.#cancelTimer = core.clock.after(Math.max(0, admitBy - this.#lastHeard), () => this.close(xscamError("XSCAM_ERR_HELLO_TIMEOUT", helloTimeoutMs)));
	}

	/** Bytes from the camera. */
	received(chunk: Uint8Array): void {
		if (this.#closing) return; // the rest is not read
		this.#lastHeard = this.#core.clock.now(); // any byte proves the camera is alive, not only a pong
		try {
			this.#decoder.push(chunk);
		}
		catch (error) {
			this.close(error as Error);
		}
	}

	/** The connection ended (`error`: how, when it failed). */
	ended(error: Error | undefined): void {
		this.#closing = true;
		this.#error ??= error;
		this.#cancelTimer();
		this.#cancelReports();
		this.#channel?.close();
		const reason = reasonOf(this.#error);
		const camera = this.#camera;
		const id = camera?.id ?? this.remote;
		this.#controls.abort(id);
		this.#transfer?.cut(reason.message);
		if (camera !== undefined) this.#core.cameras.detach(camera, this, reason.code);
		const who = camera !== undefined ? "camera " + camera.id : "connection from " + this.remote;
		const fields = { camera: camera?.id, remote: this.remote, code: reason.code };
		if (reason.code === INTERNAL) this.#core.log.error({ ...fields, err: this.#error }, who + " closed by a receiver bug");
		else if (reason.fault) this.#core.log.warn(fields, who + " closed: " + reason.message);
		else this.#core.log.info(fields, who + " disconnected: " + reason.message);
		this.#hooks.closed(this, reason);
		this.#resolveClosed();
	}

	/** Closes the connection; the first reason given is the one logged. */
	close(reason: Error): void {
		this.#closing = true;
		this.#error ??= reason;
		this.#pipe.destroy();
	}

	control(settings: ControlSettings): Promise<ControlResult> {
		const id = this.#camera?.id ?? this.remote;
		if (this.#closing) return Promise.reject(xscamError("XSCAM_ERR_CAMERA_OFFLINE", id));
		return this.#controls.request(id, settings, (requestId) => this.#send({ type: "control", requestId, settings }));
	}

	update(image: FirmwareImage, bytes: Buffer, chunkSize: number, onChange: (progress: UpdateProgress) => void): FirmwareTransfer {
		const id = this.#camera?.id ?? this.remote;
		if (this.#closing) throw xscamError("XSCAM_ERR_CAMERA_OFFLINE", id);
		if (this.#transfer?.active) throw xscamError("XSCAM_ERR_UPDATE_BUSY", id, this.#transfer.progress.version);
		const sign = this.#signOffer;
		if (sign === undefined) throw xscamError("XSCAM_ERR_UPDATE_UNAUTHENTICATED", id);
		return this.#transfer = new FirmwareTransfer(image, bytes, { chunkSize, sign, send: (message) => this.#send(message), now: () => this.#core.clock.now(), onChange });
	}

	#send(message: Message): void {
		if (!this.#closing) this.#pipe.write(encode(message));
	}

	/** Throws a coded error to close the connection (the decoder passes it on out of push()). */
	#onMessage(message: DeviceMessage): void {
		const camera = this.#camera;
		if (message.type === "hello") {
			if (camera !== undefined || this.#authentication !== undefined) throw xscamError("XSCAM_ERR_SECOND_HELLO");
			this.#hello(message);
			return;
		}
		if (message.type === "auth") {
			this.#authenticate(message);
			return;
		}
		if (camera === undefined) throw xscamError(this.#authentication ? "XSCAM_ERR_NOT_AUTHENTICATED" : "XSCAM_ERR_NO_HELLO", message.type);
		switch (message.type) {
			case "frame":
				this.#intake.take(camera, message);
				break;
			case "capabilities":
				if (this.#described) throw xscamError("XSCAM_ERR_SECOND_CAPABILITIES");
				this.#described = true;
				this.#core.cameras.describe(camera, this, message.controls);
				break;
			case "stats":
				camera.intake.stats = message;
				break;
			case "controlResult":
				this.#controls.answer(camera.id, message);
				break;
			case "updateStatus":
				if (!this.#transfer?.status(message)) throw xscamError("XSCAM_ERR_BAD_UPDATE_STATUS", message.state + " at " + message.offset);
				break;
			case "pong":
				break; // #lastHeard already moved
		}
	}

	/** A camera with a key is challenged; one without is admitted only where the receiver allows it. */
	#hello(hello: Hello): void {
		if (hello.flags & HELLO_FLAG_AUTH) {
			this.#authentication = new CameraAuthentication(hello);
			this.#send(this.#authentication.challenge);
			return;
		}
		const { options, cameraKeys } = this.#core;
		// a camera that has a key here must prove it, or anyone could take its id
		if (!options.insecureCameras || cameraKeys.get(hello.id) !== undefined) throw xscamError("XSCAM_ERR_AUTH_REQUIRED", hello.id);
		this.#admit(hello, false);
	}

	#authenticate(auth: Auth): void {
		const authentication = this.#authentication;
		if (authentication === undefined || this.#camera !== undefined) throw xscamError("XSCAM_ERR_UNEXPECTED_AUTH");
		const { id } = authentication.hello;
		const result = authentication.verify(auth, this.#core.cameraKeys.get(id));
		if ("failure" in result) throw xscamError("XSCAM_ERR_AUTH_FAILED", id, result.failure);
		this.#signOffer = result.signOffer;
		this.#send(result.accepted);
		const { hello } = authentication;
		const { datagrams, remoteAddress } = this.#pipe;
		if (hello.flags & HELLO_FLAG_DATAGRAMS && datagrams) {
			this.#channel = datagrams.open(remoteAddress, result.datagramKey, (frame) => {
				if (this.#camera && !this.#closing) this.#intake.take(this.#camera, frame);
			});
			this.#send({ type: "datagrams", port: datagrams.port, channel: this.#channel.id, datagramBytes: datagrams.datagramBytes });
		}
		this.#admit(hello, true);
	}

	/** Makes the camera the registry's, and welcomes it. */
	#admit(hello: Hello, authenticated: boolean): void {
		const { cameras, clock, options, log } = this.#core;
		const { camera, replaced } = cameras.attach(hello, this);
		this.#camera = camera;
		this.#decoder.limit = options.maxBodyBytes; // from the next message on, even in this same chunk
		// docs/protocol.md: a second connection with the id of a connected camera replaces the first.
		replaced?.close(xscamError("XSCAM_ERR_REPLACED", this.remote));
		this.#cancelTimer();
		this.#send({ type: "welcome", serverTime: clock.now(), pingInterval: options.pingIntervalMs, maxBodyBytes: options.maxBodyBytes });
		this.#cancelTimer = clock.every(options.pingIntervalMs, () => this.#tick());
		const channel = this.#channel;
		if (channel) this.#cancelReports = clock.every(DATAGRAM_REPORT_MS, () => {
			const { completed, lost, rejected } = channel.counts;
			this.#send({ type: "datagramReport", completed, lost, rejected, jitter: channel.jitter });
		});
		log.info({
			camera: camera.id, remote: this.remote, firmware: hello.firmware, board: hello.board, sensor: hello.sensor,
			width: hello.width, height: hello.height, connections: camera.presence.connections, replaced: replaced?.remote, authenticated, datagrams: channel !== undefined,
		}, "camera " + camera.id + " connected" + (authenticated ? ", authenticated" : ", without authenticating") + (channel ? ", frames as datagrams" : "") +
			(replaced ? ", replacing " + replaced.remote : ""));
		this.#hooks.admitted(this);
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
}
