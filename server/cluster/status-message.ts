// A camera's status on NATS: what its holder knows of it (presence, intake, recording), as JSON, so the
// other receivers show it as the holder does. Read back field by field: a message that does not have
// the shape is refused with a RangeError naming the field, and the camera's state here stays as it was.

import { ID_PATTERN, MAX_ID_BYTES } from "../../src/protocol/constants";
import { readControls } from "../../src/protocol/controls";
import type { ControlDescription, Hello, Stats } from "../../src/protocol/types";
import type { Camera } from "../cameras/camera";

export interface StatusMessage {
	/** The receiver that holds the camera. */
	holder: string;
	online: boolean;
	/** The camera's address as its holder sees it. */
	remote: string;
	/** When the holder's connection said hello (the same value on every status of one connection), or when it ended. */
	since: number;
	lastError: string | null;
	hello: Hello;
	controls: ControlDescription[] | null;
	intake: { framesReceived: number; bytesReceived: number; framesLost: number; framesBad: number; framesMisdated: number; stats: Stats | null };
	rate: { fps: number; kbps: number };
	recording: { state: "off" | "recording" | "failed"; segment?: string; error?: string };
}

export function statusOf(camera: Camera, holder: string, now: number): StatusMessage {
	const { presence, intake, recording } = camera;
	return {
		holder, online: presence.connection !== undefined, remote: presence.connection?.remote ?? "", since: presence.since,
		lastError: presence.lastError ?? null, hello: presence.hello, controls: presence.controls ?? null,
		intake: {
			framesReceived: intake.framesReceived, bytesReceived: intake.bytesReceived, framesLost: intake.framesLost,
			framesBad: intake.framesBad, framesMisdated: intake.framesMisdated, stats: intake.stats ?? null,
		},
		rate: intake.rate.rates(now),
		recording: { state: recording.state, ...(recording.segment && { segment: recording.segment }), ...(recording.error && { error: recording.error }) },
	};
}

type Json = { [key: string]: unknown };

function object(value: unknown, where: string): Json {
	if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RangeError(where + " must be an object");
	return value as Json;
}

function field<T>(from: Json, key: string, type: "string" | "number" | "boolean", where: string): T {
	const value = from[key];
	if (typeof value !== type || (type === "number" && !Number.isFinite(value))) throw new RangeError(where + "." + key + " must be a " + type);
	return value as T;
}

const HELLO_NUMBERS = ["flags", "width", "height"];
const HELLO_STRINGS = ["id", "firmware", "board", "sensor"];
const INTAKE_NUMBERS = ["framesReceived", "bytesReceived", "framesLost", "framesBad", "framesMisdated"];
const STATS_NUMBERS = ["uptime", "captured", "sent", "dropped", "reconnects", "fps"];
const RECORDING_STATES = ["off", "recording", "failed"];

/** The status of camera `id` in `data`; throws a RangeError naming what is wrong. */
export function readStatus(data: Uint8Array, id: string): StatusMessage {
	let parsed: unknown;
	try {
		parsed = JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8"));
	}
	catch {
		throw new RangeError("the status is not JSON");
	}
	const status = object(parsed, "status");
	for (const key of ["holder", "remote"]) field(status, key, "string", "status");
	field(status, "online", "boolean", "status");
	field(status, "since", "number", "status");
	if (status.lastError !== null) field(status, "lastError", "string", "status");
	const hello = object(status.hello, "status.hello");
	for (const key of HELLO_NUMBERS) field(hello, key, "number", "status.hello");
	for (const key of HELLO_STRINGS) field(hello, key, "string", "status.hello");
	if (hello.id !== id || (hello.id as string).length > MAX_ID_BYTES || !ID_PATTERN.test(id)) throw new RangeError("status.hello.id must be the subject's camera id " + id);
	if (status.controls !== null) status.controls = readControls(status.controls);
	const intake = object(status.intake, "status.intake");
	for (const key of INTAKE_NUMBERS) field(intake, key, "number", "status.intake");
	if (intake.stats !== null) {
		const stats = object(intake.stats, "status.intake.stats");
		for (const key of STATS_NUMBERS) field(stats, key, "number", "status.intake.stats");
		for (const key of ["rssi", "freeHeap"]) if (stats[key] !== undefined) field(stats, key, "number", "status.intake.stats");
	}
	const rate = object(status.rate, "status.rate");
	for (const key of ["fps", "kbps"]) field(rate, key, "number", "status.rate");
	const recording = object(status.recording, "status.recording");
	if (!RECORDING_STATES.includes(recording.state as string)) throw new RangeError("status.recording.state must be one of " + RECORDING_STATES.join(", "));
	for (const key of ["segment", "error"]) if (recording[key] !== undefined) field(recording, key, "string", "status.recording");
	return status as unknown as StatusMessage;
}
