// The receiver's memory of one camera. A camera outlives its connections: when it reconnects, the new
// connection takes over the same Camera (its counters, latest frame, viewers and recording). Its state is
// in three parts, each written by one part of the receiver alone and read by the rest (the status API,
// /metrics, viewers): presence by the registry, intake by ingest, recording by the recorder.

import type { ControlDescription, ControlResult, ControlSettings, Hello, Stats } from "../../src/protocol/types";
import type { XscamError } from "../errors";
import type { FirmwareImage } from "../update/firmware-store";
import type { FirmwareTransfer, UpdateProgress } from "../update/transfer";
import { RateMeter } from "./rate-meter";

/** The connection a camera is reachable through (ingest/camera-session.ts). */
export interface CameraConnection {
	readonly remote: string;
	/** Sends a control message and resolves with the camera's answer, checked against the request; rejects with a coded error. */
	control(settings: ControlSettings): Promise<ControlResult>;
	/** Starts sending a firmware image in chunks of `chunkSize` (update/transfer.ts); `onChange` hears its progress. */
	update(image: FirmwareImage, bytes: Buffer, chunkSize: number, onChange: (progress: UpdateProgress) => void): FirmwareTransfer;
	/** Closes the connection; `reason` is logged. */
	close(reason: XscamError): void;
}

/** One received frame. Immutable once made: every viewer and the recorder share it, nobody copies it. */
export interface ReceivedFrame {
	/**
	 * The JPEG, in the buffer the decoder handed over: the receiver's own, never copied again. Read it when
	 * you keep the frame, not later: a frame nobody had read when its successor arrived has its buffer
	 * reused, and reading it then throws (cameras/reusable-frame.ts).
	 */
	readonly jpeg: Buffer;
	readonly seq: number;
	/** ms since the epoch on the receiver's clock: the camera's stamp, or the arrival when that stamp is not believable. */
	readonly captureTime: number;
	/** ms since the epoch on the receiver's clock. */
	readonly receivedAt: number;
	/** From capture to arrival; undefined when the camera's stamp is not believable (ingest/frame-intake.ts). */
	readonly latencyMs: number | undefined;
	readonly width: number;
	readonly height: number;
}

/** Who the camera is and how it is reached. Written by the registry alone (registry.ts). */
export class Presence {
	/** The last hello: what the camera says it is. */
	hello: Hello;
	/** The settings it announced on its current or last connection; undefined: it announced none (a v1 device). */
	controls: ControlDescription[] | undefined;
	/** The live connection; undefined while offline. */
	connection: CameraConnection | undefined;
	/** Connections that said hello with this id, since the receiver started. */
	connections = 0;
	/** When the current connection said hello, or the last one ended. */
	since: number;
	/** Why the last connection ended. */
	lastError: string | undefined;

	constructor(hello: Hello, since: number) {
		this.hello = hello;
		this.since = since;
	}
}

/** What the camera's frames and stats show. Written by ingest alone (ingest/frame-intake.ts, camera-session.ts). */
export class Intake {
	latest: ReceivedFrame | undefined;
	/** The last stats message. */
	stats: Stats | undefined;
	framesReceived = 0;
	bytesReceived = 0;
	/** Frames missing from the sequence numbers: lost between the device and the receiver. */
	framesLost = 0;
	/** Frames whose payload is not a JPEG; dropped. */
	framesBad = 0;
	/** Frames whose capture time was not believable (the camera's clock is off): stamped with their arrival. */
	framesMisdated = 0;
	/** Measured here; a camera relayed from another receiver shows its holder's figures instead (cluster/relay.ts). */
	rate: Pick<RateMeter, "add" | "rates"> = new RateMeter();
}

/** The camera's recording. Written by the recorder alone (record/recorder.ts). */
export class Recording {
	state: "off" | "recording" | "failed" = "off";
	/** The segment being written. */
	segment: string | undefined;
	/** Why recording stopped. */
	error: string | undefined;
}

export class Camera {
	readonly id: string;
	readonly presence: Presence;
	readonly intake = new Intake();
	readonly recording = new Recording();

	constructor(hello: Hello, since: number) {
		this.id = hello.id;
		this.presence = new Presence(hello, since);
	}
}
