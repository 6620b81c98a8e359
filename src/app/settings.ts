// The firmware's configuration, read once at start from mc/config: the manifest's `config`, overridden
// by mcconfig's key=value arguments, which always arrive as strings. A bad value throws one line that
// names the key and what is allowed; main() traces it and does not start (no streaming on a half-valid
// config). The password and key are never echoed.

import { MAX_GPIO } from "../camera/flash-led";
import { FRAME_RATE_MAX, FRAME_RATE_MIN } from "../camera/frame-pacer";
import { FRAME_SIZES, frameSizeName } from "../camera/frame-sizes";
import { isIPv4 } from "../network/address";
import { ID_PATTERN, ID_RULE, KEY_BYTES, MAX_ID_BYTES } from "../protocol/constants";
import { utf8Length } from "../protocol/utf8";
import type { TlsTrust } from "../transport/tls-pipe";

export interface Settings {
	ssid: string;
	/** "" for an open network. */
	password: string;
	/** Host name or IPv4 literal of the receiver, or a list of them (`a:8700,b:8700`): `receivers` says which. */
	server: string;
	port: number;
	/** The receivers in the order tried: the next when one fails (session/session.ts); each with its port, `port` unless it gives one. */
	receivers: ReceiverAddress[];
	id: string;
	/** The camera's key, KEY_BYTES of it (`xscam-server keys add <id>` made it), or undefined: the camera does not authenticate. */
	key: Uint8Array | undefined;
	/** A frame size name of the camera driver (camera/frame-sizes.ts), upper case; the sensor may offer fewer. */
	frameSize: string;
	/** The cap on frames sent per second. */
	frameRate: number;
	/** Which board this build is for, as the receiver shows it. */
	board: string;
	/** TLS to the receiver: its CA certificate (DER, from `tlsCa`); undefined: TCP in clear text. */
	tls: TlsTrust | undefined;
	/** When the firmware was built (seconds since the epoch; 0: unknown): the earliest date the device may believe (app/clock.ts). */
	builtAt: number;
	/** The board's flash LED GPIO (its manifest's `flashLed`), or undefined: it has none (camera/flash-led.ts). */
	flashLed: number | undefined;
	/**
	 * How frames travel: "tcp" on the connection, or "udp" as datagrams where the receiver offers them
	 * (the session stays on the connection either way; session/datagram-sender.ts).
	 */
	frames: FrameTransport;
	/** The WPA2 password of the setup access point (setup/setup-mode.ts); "": the camera never opens one. */
	setupPassword: string;
	/** A camera that has never joined its network opens the setup access point after this long without it, ms. */
	setupAfter: number;
}

export type FrameTransport = "tcp" | "udp";
/** What a camera does without a `frames` key: docs/performance.md, "Frames over UDP", says why. */
export const DEFAULT_FRAMES: FrameTransport = "tcp";

/** What the setup access point needs: the camera's name and its password. */
export interface SetupSettings {
	id: string;
	setupPassword: string;
}

export interface ReceiverAddress {
	/** A host name or an IPv4 literal. */
	server: string;
	port: number;
}

export type Config = { readonly [key: string]: unknown };

/** A camera tries at most this many receivers, one after another. */
export const MAX_RECEIVERS = 4;

const HOST_LABEL = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const HOST_PATTERN = new RegExp("^" + HOST_LABEL + "(\\." + HOST_LABEL + ")*$");
const DOTTED_DIGITS = /^[0-9.]+$/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const HEX_64 = /^[0-9A-Fa-f]{64}$/; // 32 bytes, as a Wi-Fi PSK or a camera key
const DIGITS = /^[0-9]+$/;
const DECIMAL = /^[0-9]+(\.[0-9]+)?$/;
const BASE64 = /^([A-Za-z0-9+/]{4})*([A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DER_SEQUENCE = 0x30; // a certificate is an ASN.1 SEQUENCE

/** The one line a bad value stops the firmware with: the key, what it allows, and what it got (unless secret). */
export function configError(key: string, rule: string, value?: unknown): RangeError {
	const got = value === undefined ? "" : ", got " + (typeof value === "string" ? JSON.stringify(value) : String(value));
	return new RangeError("config: " + key + " must be " + rule + got);
}

function fail(key: string, rule: string, value?: unknown): never {
	throw configError(key, rule, value);
}

function text(config: Config, key: string, rule: string, valid: (value: string) => boolean, secret = false): string {
	const value = config[key];
	if (typeof value !== "string") fail(key, rule, secret ? undefined : value);
	if (!valid(value)) fail(key, rule, secret ? undefined : value);
	return value;
}

/** A number from the manifest, or its decimal text from the command line. */
function number(config: Config, key: string, rule: string, pattern: RegExp, valid: (value: number) => boolean): number {
	const raw = config[key];
	const digits = typeof raw === "number" ? String(raw) : raw;
	if (typeof digits !== "string" || !pattern.test(digits) || !valid(Number(digits))) fail(key, rule, raw);
	return Number(digits);
}

const SETUP_PASSWORD_RULE = "\"\" (no setup access point) or its WPA2 password, 8 to 63 printable ASCII characters";
export const SETUP_AFTER_MIN = 30;
export const SETUP_AFTER_MAX = 86_400;
const SETUP_AFTER_DEFAULT = 300;

function readId(config: Config): string {
	return text(config, "id", ID_RULE, (value) => value.length <= MAX_ID_BYTES && ID_PATTERN.test(value));
}

function readSetupPassword(config: Config): string {
	return config.setupPassword === undefined ? "" : text(config, "setupPassword", SETUP_PASSWORD_RULE,
		(value) => value === "" || (value.length >= 8 && value.length <= 63 && PRINTABLE_ASCII.test(value)), true);
}

/** A camera without a network or a receiver (ssid or server empty) has nothing to join: it needs its setup page. */
export function isUnconfigured(config: Config): boolean {
	return !config.ssid || !config.server;
}

/** For the setup access point: the id, and a password it cannot open without. */
export function readSetupSettings(config: Config): SetupSettings {
	const id = readId(config);
	const setupPassword = readSetupPassword(config);
	if (setupPassword === "") fail("setupPassword", "8 to 63 printable ASCII characters while ssid or server is empty: give them, or a setupPassword for the camera's setup access point");
	return { id, setupPassword };
}

export function readSettings(config: Config): Settings {
	const ssid = text(config, "ssid", "the Wi-Fi network name, 1 to 32 bytes",
		(value) => utf8Length(value) >= 1 && utf8Length(value) <= 32);
	const password = text(config, "password", "\"\" for an open network, 8 to 63 printable ASCII characters, or 64 hex digits",
		(value) => value === "" || (value.length >= 8 && value.length <= 63 && PRINTABLE_ASCII.test(value)) || HEX_64.test(value), true);
	let entries: ReceiverEntry[] | undefined;
	const server = text(config, "server", "the receiver's host name or IPv4 address, or a list of up to " + MAX_RECEIVERS +
		" of them, each with :port where it is not `port` (a:8700,b:8701)", (value) => (entries = receiverEntries(value)) !== undefined);
	const port = number(config, "port", "an integer 1..65535", DIGITS,
		(value) => value >= 1 && value <= 65535);
	const receivers = entries!.map((entry) => ({ server: entry.server, port: entry.port ?? port }));
	const id = readId(config);
	const keyText = config.key === undefined ? "" : text(config, "key", "\"\" or the " + 2 * KEY_BYTES + " hex digits `xscam-server keys add " +
		id + "` printed", (value) => value === "" || HEX_64.test(value), true);
	const frameSize = frameSizeName(text(config, "frameSize", "one of " + Object.keys(FRAME_SIZES).join(", "),
		(value) => frameSizeName(value) !== undefined))!;
	const frameRate = number(config, "frameRate", "a number of frames per second, " + FRAME_RATE_MIN + " to " + FRAME_RATE_MAX, DECIMAL,
		(value) => value >= FRAME_RATE_MIN && value <= FRAME_RATE_MAX);
	const board = config.board === undefined ? "unknown" : text(config, "board", "a board name", (value) => value.length > 0);
	// PEM's lines without the BEGIN and END lines, joined (npm run flash does it from a file).
	const caRule = "\"\" for TCP in clear text, or the receiver's CA certificate as base64 DER (docs/security.md)";
	const tlsCa = config.tlsCa === undefined ? "" : text(config, "tlsCa", caRule, (value) => value === "" || BASE64.test(value));
	const ca = tlsCa === "" ? undefined : base64Bytes(tlsCa);
	if (ca && ca[0] !== DER_SEQUENCE) fail("tlsCa", caRule + "; this is not DER");
	const builtAt = config.builtAt === undefined ? 0 : number(config, "builtAt", "seconds since the epoch, or 0", DIGITS, (value) => value <= 0x7fffffff);
	const flashLed = config.flashLed === undefined || config.flashLed === "" ? undefined : number(config, "flashLed",
		"the flash LED's GPIO, 0 to " + MAX_GPIO + ", or absent on a board without one", DIGITS, (value) => value <= MAX_GPIO);
	const frames = config.frames === undefined ? DEFAULT_FRAMES : text(config, "frames",
		"\"tcp\" (frames on the connection) or \"udp\" (frames as datagrams, signed under a key from the authentication)",
		(value) => value === "tcp" || value === "udp") as FrameTransport;
	if (frames === "udp" && keyText === "") fail("frames", "\"tcp\" for a camera without a key: datagrams are signed under one from the authentication", frames);
	const setupPassword = readSetupPassword(config);
	const setupAfter = config.setupAfter === undefined ? SETUP_AFTER_DEFAULT : number(config, "setupAfter",
		"seconds without Wi-Fi before a camera that never joined opens its setup access point, " + SETUP_AFTER_MIN + " to " + SETUP_AFTER_MAX,
		DIGITS, (value) => value >= SETUP_AFTER_MIN && value <= SETUP_AFTER_MAX);
	return {
		ssid, password, server, port, receivers, id, key: keyText === "" ? undefined : hexBytes(keyText), frameSize, frameRate, board,
		tls: ca && { ca: ca.buffer }, builtAt, flashLed, frames, setupPassword, setupAfter: setupAfter * 1000,
	};
}

/** A receiver of the `server` list, with its own port if it gives one. */
type ReceiverEntry = { server: string; port: number | undefined };

/** `host[:port],…`; undefined when any entry is not one. */
function receiverEntries(text: string): ReceiverEntry[] | undefined {
	const entries = text.split(",");
	if (entries.length > MAX_RECEIVERS) return undefined;
	const receivers: ReceiverEntry[] = [];
	for (const entry of entries) {
		const colon = entry.lastIndexOf(":");
		const host = colon < 0 ? entry : entry.slice(0, colon);
		const given = colon < 0 ? undefined : entry.slice(colon + 1);
		if (!(host.length <= 253 && HOST_PATTERN.test(host) && (!DOTTED_DIGITS.test(host) || isIPv4(host)))) return undefined;
		if (given !== undefined && !(DIGITS.test(given) && Number(given) >= 1 && Number(given) <= 65535)) return undefined;
		receivers.push({ server: host, port: given === undefined ? undefined : Number(given) });
	}
	return receivers;
}

const BASE64_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Base64 already checked by BASE64. */
function base64Bytes(text: string): Uint8Array<ArrayBuffer> {
	const digits = text.replace(/=+$/, "");
	const bytes = new Uint8Array((digits.length * 3) >> 2);
	let bits = 0;
	let held = 0;
	let at = 0;
	for (let i = 0; i < digits.length; i++) {
		bits = ((bits << 6) | BASE64_DIGITS.indexOf(digits[i])) & 0xffff; // 16 bits hold what is not yet a byte
		held += 6;
		if (held >= 8) {
			held -= 8;
			bytes[at++] = (bits >> held) & 0xff;
		}
	}
	return bytes;
}

function hexBytes(hex: string): Uint8Array {
	const bytes = new Uint8Array(hex.length / 2);
	for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
	return bytes;
}
