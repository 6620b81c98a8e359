// The JSON status of a camera, as GET /api/cameras and the web page show it. Numbers the receiver
// measures sit beside the device's own (from its last stats message, null until one arrives).

import { HELLO_FLAG_UPDATES } from "../../src/protocol/constants";
import type { Camera } from "../cameras/camera";
import type { UpdateProgress } from "../update/transfer";

export interface RecordingStatus {
	state: "off" | "recording" | "failed";
	/** The segment being written. */
	segment?: string;
	/** Why recording stopped. */
	error?: string;
}

export interface CameraStatus {
	id: string;
	online: boolean;
	/** The camera's address while online. */
	remote: string | null;
	/** Online since, or offline since (ISO 8601). */
	since: string;
	/** Why the last connection ended (an XSCAM_ERR_* code, a socket error, or "closed"). */
	lastError: string | null;
	firmware: string;
	board: string;
	sensor: string;
	/** Of the latest frame (the hello's until a frame arrives). */
	width: number;
	height: number;
	/** Frames per second received over the last seconds. */
	fps: number;
	kbps: number;
	frames: {
		received: number;
		/** Missing sequence numbers: lost between the device and the receiver. */
		lost: number;
		/** Not a JPEG; dropped. */
		bad: number;
		/** The device's count: replaced by a newer frame while waiting, or captured while offline. */
		droppedOnDevice: number | null;
		/** Their capture time was not believable (the camera's clock is off): stamped with their arrival. */
		misdated: number;
	};
	/** How long ago the latest frame arrived. */
	lastFrameAgeMs: number | null;
	/** From capture to arrival of the latest frame, by the device's estimate of the receiver's clock; null when not believable. */
	latencyMs: number | null;
	rssi: number | null;
	/** The device's uptime, seconds. */
	uptime: number | null;
	freeHeap: number | null;
	/** Connections after the first one seen by the receiver. */
	reconnects: number;
	/** Reconnects the device counted itself. */
	deviceReconnects: number | null;
	viewers: number;
	recording: RecordingStatus;
	/** Whether the camera announced its settings (GET /api/cameras/:id/controls lists them). */
	described: boolean;
	/** Whether its firmware takes updates over the network. */
	updatable: boolean;
	/** Its last firmware update since the receiver started (POST /api/cameras/:id/update), or null. */
	update: UpdateProgress | null;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function cameraStatus(camera: Camera, now: number, viewers: number, update: UpdateProgress | undefined): CameraStatus {
	const { presence, intake, recording } = camera;
	const { hello } = presence;
	const { stats, latest } = intake;
	const { fps, kbps } = intake.rate.rates(now);
	return {
		id: camera.id,
		online: presence.connection !== undefined,
		remote: presence.connection?.remote ?? null,
		since: new Date(presence.since).toISOString(),
		lastError: presence.lastError ?? null,
		firmware: hello.firmware,
		board: hello.board,
		sensor: hello.sensor,
		width: latest?.width ?? hello.width,
		height: latest?.height ?? hello.height,
		fps: round(fps, 2),
		kbps: round(kbps, 1),
		frames: {
			received: intake.framesReceived, lost: intake.framesLost, bad: intake.framesBad, droppedOnDevice: stats?.dropped ?? null,
			misdated: intake.framesMisdated,
		},
		lastFrameAgeMs: latest ? now - latest.receivedAt : null,
		latencyMs: latest?.latencyMs ?? null,
		rssi: stats?.rssi ?? null,
		uptime: stats?.uptime ?? null,
		freeHeap: stats?.freeHeap ?? null,
		reconnects: Math.max(0, presence.connections - 1),
		deviceReconnects: stats?.reconnects ?? null,
		viewers,
		recording: { state: recording.state, ...(recording.segment && { segment: recording.segment }), ...(recording.error && { error: recording.error }) },
		described: presence.controls !== undefined,
		updatable: (hello.flags & HELLO_FLAG_UPDATES) !== 0,
		update: update ? { ...update } : null,
	};
}
