// The simulated board the host modules run on: the world outside the firmware (clock, radio, network,
// sensor, flash, memory). Host modules (camera.ts, tcp.ts, wifi.ts, …) hold the ECMA-419 and Moddable
// semantics; a Board holds only the world, so the same modules run on Node (node-board.ts: real
// sockets, real timers) and inside the XS engine (hosttest/xs/: a bridge to Node and a virtual clock).
// Like the host modules, this file is XS-portable: no Node imports.

import type { CameraCounts, FrameStore, Sensor } from "../../modules/sim/camera/simulated-camera";
import type { FirmwareSlots } from "./firmware-slots";
import type { Radio } from "./radio";

export type { CameraCounts, FrameStore, Sensor };
export { newCameraCounts } from "../../modules/sim/camera/simulated-camera";
export { newSensorRegisters } from "../../modules/sim/camera/sensor-models";

/** One TCP connection's byte pipe, as the network delivers it. */
export interface Wire {
	/** Sends `bytes`, copied before it returns (the caller reuses them); `onSent` reports them once they left. */
	write(bytes: Uint8Array): void;
	/** Stops or restarts delivering received data (TCP flow control when the firmware reads slowly). */
	setReceiving(receiving: boolean): void;
	close(): void;
}

export interface WireEvents {
	onConnected(): void;
	onData(bytes: Uint8Array): void;
	/** `count` bytes written earlier have left the send buffer (the peer, or the kernel, took them). */
	onSent(count: number): void;
	/** The peer closed (`error` false) or the connection failed or was reset (`error` true). */
	onClosed(error: boolean): void;
}

/** A connection a listener took in, not yet adopted by a socket; what arrives waits until it is. */
export interface IncomingWire {
	readonly address: string;
	readonly port: number;
	/** The adopting socket's events (it is connected already); returns its wire. */
	attach(events: WireEvents): Wire;
	/** Closed without being adopted. */
	reject(): void;
}

export interface Listening {
	/** The port the firmware asked for, or the one given for 0. */
	readonly port: number;
	close(): void;
}

/** A UDP socket's sending end. */
export interface DatagramPort {
	/** Sends one datagram of `bytes`, copied before it returns (the caller reuses them). */
	send(bytes: Uint8Array, address: string, port: number): void;
	close(): void;
}

export interface Network {
	connect(address: string, port: number, events: WireEvents): Wire;
	/** A new UDP socket; networks that carry no datagrams omit it. */
	datagrams?(): DatagramPort;
	/** Takes connections on `port`; networks that cannot (the XS tier bridges client sockets only) omit it. */
	listen?(port: number, onIncoming: (incoming: IncomingWire) => void): Listening;
	/** Calls back with an IPv4 address or undefined, always later, never inside the call. */
	resolve(host: string, callback: (address: string | undefined) => void): void;
}

/** What a TLS client must trust: the one CA (DER) and the name the server's certificate must give. */
export interface TlsTrust {
	ca: Uint8Array;
	host: string;
}

/** A TLS client's engine (the board's: natively, as the SDK's TLS does its cryptography natively). */
export interface TlsEngine {
	/** Bytes that came from the server. */
	receive(ciphertext: Uint8Array): void;
	/** Application bytes to protect and send; they come back through onCiphertext. */
	send(plaintext: Uint8Array): void;
	close(): void;
}

export interface TlsEngineEvents {
	/** Bytes for the server (the handshake's, then records). */
	onCiphertext(bytes: Uint8Array): void;
	/** The handshake is done and the server's certificate verified. */
	onSecure(): void;
	onPlaintext(bytes: Uint8Array): void;
	/** The handshake or the session failed, and why (an unknown CA, a name that does not match, …). */
	onFailed(reason: string): void;
}

export interface ConfigSource {
	/** The manifest's `config`. */
	manifest: { [key: string]: unknown };
	/** mcconfig key=value arguments: strings only, they replace manifest values wholesale. */
	commandLine: { [key: string]: string };
}

/** A PWM pin driven at `value` of `max` (max: fully on, 0: off) from `at` (the board's ms) on. */
export interface PwmDuty {
	pin: number;
	at: number;
	value: number;
	max: number;
}

/** The digests of the SDK's crypt module, by its names. */
export type DigestName = "MD5" | "SHA1" | "SHA224" | "SHA256" | "SHA384" | "SHA512";

export interface Board {
	now(): number;
	setTimer(callback: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
	/** Runs `callback` in a later turn: IO callbacks never run inside the call that caused them. */
	defer(callback: () => void): void;
	trace(text: string): void;

	readonly config: ConfigSource;
	readonly radio: Radio;
	readonly network: Network;
	readonly sensor: Sensor;
	readonly frames: FrameStore;
	readonly cameraCounts: CameraCounts;
	/** NVS: domain -> key -> value, kept across restarts of the firmware on this board. */
	readonly preferences: Map<string, Map<string, boolean | number | string | ArrayBuffer>>;
	/** The lwIP send buffer, bytes; the SDK's ESP32 default (tcp.ts SEND_BUFFER) when unset. */
	readonly tcpSendBuffer?: number;
	/** Every duty the PWM pins were driven at, in order; boards that keep no record omit it. */
	readonly pwm?: PwmDuty[];
	/** Free heap bytes for instrumentation, or undefined to act as a release build. */
	freeMemory(): number | undefined;
	/** The digest of `bytes`: the SDK's native hashing, which a board does natively too. */
	digest(name: DigestName, bytes: Uint8Array): Uint8Array;
	/** A file built into the app (the Resource module), or undefined; boards without files omit it. */
	resource?(path: string): Uint8Array | undefined;
	/** Starts a TLS 1.2 client as the SDK's offers it (its suites, curve and signatures); boards without TLS omit it. */
	tlsClient?(trust: TlsTrust, events: TlsEngineEvents): TlsEngine;
	/** Sets the real-time clock (the SDK's Time.set), ms since the epoch; boards without one omit it. */
	setDate?(ms: number): void;
	/** The OTA app slots (embedded:update, embedded:storage/flash); boards without them omit it. */
	readonly firmware?: FirmwareSlots;
	/**
	 * The firmware asked for a restart (xscam-boot): the board stops it and boots again from its slots,
	 * or records the request where a test restarts it itself. Nothing of the firmware runs after it.
	 */
	restart(): void;
}

let current: Board | undefined;

export function installBoard(board: Board): void {
	current = board;
}

/** The board the host modules run on. */
export function board(): Board {
	if (!current) throw new Error("host: no board installed (hosttest/host/board.ts installBoard)");
	return current;
}
