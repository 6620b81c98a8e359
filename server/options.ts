// The receiver's options, declared once: for each one its flag, environment variable, help, default
// and validation. createReceiver() checks programmatic values against this table; cli.ts builds its
// flags and reads XSCAM_* variables from it, so the two can never disagree. A bad value is one line
// that names the option and what it allows (ESPHome-style validation, at start, before anything binds).

import { isIP } from "node:net";
import type { Logger } from "pino";
import type { KeyLookup } from "./auth/camera-keys";
import type { ViewerAccess } from "./auth/viewer-access";
import { ID_PATTERN, ID_RULE, MAX_ID_BYTES } from "../src/protocol/constants";
import type { Clock } from "./clock";
import { cameraBudget, camerasInMemory, MAX_CAMERAS, memoryForFrames } from "./cameras/camera-budget";
import { xscamError } from "./errors";
import type { OpenFile } from "./record/segment-writer";

/** A value kind: parses command-line or environment text, and checks a value of any origin. */
interface Kind<T> {
	/** Text -> value; throws a RangeError (reject()). */
	parse(text: string): T;
	/** Throws a RangeError (reject()) unless `value` is allowed. */
	check(value: unknown): T;
	show(value: T): string;
}

const DURATION_UNITS: { [unit: string]: number } = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const BYTE_UNITS: { [unit: string]: number } = {
	"": 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3,
	t: 1e12, tb: 1e12, tib: 1024 ** 4,
};
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

function showDuration(ms: number): string {
	if (ms === 0) return "0 (off)";
	for (const unit of ["d", "h", "m", "s"]) if (ms % DURATION_UNITS[unit] === 0) return ms / DURATION_UNITS[unit] + unit;
	return ms + "ms";
}

function showBytes(bytes: number): string {
	if (bytes === 0) return "0 (off)";
	for (const unit of ["TiB", "GiB", "MiB", "KiB"]) if (bytes % BYTE_UNITS[unit.toLowerCase()] === 0) return bytes / BYTE_UNITS[unit.toLowerCase()] + unit;
	return String(bytes);
}

/** Kinds report a bad value as a RangeError whose message completes "must be ...". */
function reject(rule: string): never {
	throw new RangeError(rule);
}

/** A whole number in [min, max]; `zeroOff` also allows 0, meaning "no limit". */
/** `shown` is what the error quotes: the text as given, when the value was parsed from it. */
function range(min: number, max: number, show: (value: number) => string, zeroOff: boolean, rule: string): (value: unknown, shown?: unknown) => number {
	return (value, shown = value) => {
		if (typeof value !== "number" || !Number.isInteger(value) || !((value >= min && value <= max) || (zeroOff && value === 0)))
			reject(rule + " from " + show(min) + " to " + show(max) + (zeroOff ? ", or 0 for no limit" : "") + ", got " + JSON.stringify(shown));
		return value;
	};
}

function integer(min: number, max: number): Kind<number> {
	const check = range(min, max, String, false, "an integer");
	return {
		parse: (text) => check(/^[0-9]+$/.test(text.trim()) ? Number(text) : text, text),
		check, show: String,
	};
}

function withUnits(units: { [unit: string]: number }, bare: string, text: string): number | string {
	const match = /^([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
	const scale = match ? units[(match[2] || bare).toLowerCase()] : undefined;
	return match && scale !== undefined ? Math.round(Number(match[1]) * scale) : text;
}

/** Milliseconds; text takes a unit (500ms, 5s, 10m, 12h, 30d), a bare number is seconds. */
function duration(min: number, max: number, zeroOff = false): Kind<number> {
	const check = range(min, max, showDuration, zeroOff, "a duration");
	return { parse: (text) => check(withUnits(DURATION_UNITS, "s", text), text), check, show: showDuration };
}

/** Bytes; text takes a unit (512KiB, 20GB, 1MiB), a bare number is bytes. */
function bytes(min: number, max: number, zeroOff = false): Kind<number> {
	const check = range(min, max, showBytes, zeroOff, "a size");
	return { parse: (text) => check(withUnits(BYTE_UNITS, "", text), text), check, show: showBytes };
}

const flag: Kind<boolean> = {
	parse(text) {
		const value = text.trim().toLowerCase();
		if (["1", "true", "yes", "on"].includes(value)) return true;
		if (["0", "false", "no", "off", ""].includes(value)) return false;
		reject("true or false, got " + JSON.stringify(text));
	},
	check(value) {
		if (typeof value !== "boolean") reject("true or false, got " + JSON.stringify(value));
		return value;
	},
	show: String,
};

const portNumber = integer(0, 65535);
/** The UDP port of frames as datagrams: a number (0: any free port), "same" (--ingest-port's), or "off". */
const datagramPort: Kind<number | "same" | "off"> = {
	parse(text) {
		const word = text.trim().toLowerCase();
		return word === "same" || word === "off" ? word : portNumber.parse(text);
	},
	check: (value) => (value === "same" || value === "off" ? value : portNumber.check(value)),
	show: String,
};

const host: Kind<string> = {
	parse: (text) => host.check(text.trim()),
	check(value) {
		if (typeof value !== "string" || value === "" || /\s/.test(value)) reject("an address or host name, got " + JSON.stringify(value));
		return value;
	},
	show: String,
};

const path: Kind<string> = {
	parse: (text) => path.check(text),
	check(value) {
		if (typeof value !== "string" || value.trim() === "") reject("a path, got " + JSON.stringify(value));
		return value;
	},
	show: (value) => value || "none",
};

const cameraIds: Kind<string[]> = {
	parse: (text) => cameraIds.check(text.split(",").map((id) => id.trim()).filter((id) => id !== "")),
	check(value) {
		if (!Array.isArray(value) || value.some((id) => typeof id !== "string" || id.length > MAX_ID_BYTES || !ID_PATTERN.test(id)))
			reject("camera ids (" + ID_RULE + "), comma-separated, got " + JSON.stringify(value));
		return value as string[];
	},
	show: (ids) => (ids.length === 0 ? "none" : ids.join(",")),
};

/**
 * URLs, comma-separated, each one `accepts` (a URL that does not parse is refused too), as `keep` makes
 * them; `rule` completes "must be". The error quotes them without the userinfo someone put in them.
 */
function urlList(rule: string, accepts: (url: URL) => boolean, keep: (url: string) => string, none: string): Kind<string[]> {
	const kind: Kind<string[]> = {
		parse: (text) => kind.check(text.split(",").map((url) => url.trim()).filter((url) => url !== "")),
		check(value) {
			const valid = (url: unknown) => {
				try {
					return accepts(new URL(String(url)));
				}
				catch {
					return false;
				}
			};
			if (!Array.isArray(value) || !value.every(valid))
				reject(rule + ", comma-separated, got " + JSON.stringify(Array.isArray(value) ? value.map((url) => withoutUserinfo(String(url))) : value));
			return (value as string[]).map(keep);
		},
		show: (list) => (list.length === 0 ? none : list.join(",")),
	};
	return kind;
}

const urls = urlList("http:// or https:// URLs of a host (and port)",
	(url) => (url.protocol === "http:" || url.protocol === "https:") && url.pathname === "/" && !url.search, (url) => new URL(url).origin, "none");

/** An IPv4 or IPv6 address, or a network of them (address/prefix). */
function isAddressOrNetwork(text: string): boolean {
	const [address, prefix, more] = text.split("/");
	const family = isIP(address);
	if (family === 0 || more !== undefined) return false;
	return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const addresses: Kind<string[]> = {
	parse: (text) => addresses.check(text.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "")),
	check(value) {
		if (!Array.isArray(value) || !value.every((entry) => typeof entry === "string" && isAddressOrNetwork(entry)))
			reject("IP addresses or networks (10.0.0.0/8), comma-separated, got " + JSON.stringify(value));
		return value as string[];
	},
	show: (list) => (list.length === 0 ? "none" : list.join(",")),
};

/** The userinfo of a URL-like text, dropped: an error quotes a broker URL without the password someone put in it. */
export function withoutUserinfo(text: string): string {
	return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/]*@/i, "$1");
}

/** mqtt:// or mqtts:// and a host (and port); credentials never in it: it is seen in argv and in logs. */
const brokerUrl: Kind<string> = {
	parse: (text) => brokerUrl.check(text.trim()),
	check(value) {
		let parsed: URL | undefined;
		try {
			parsed = new URL(String(value));
		}
		catch {
			parsed = undefined;
		}
		const plain = parsed !== undefined && (parsed.protocol === "mqtt:" || parsed.protocol === "mqtts:") && parsed.hostname !== "" &&
			(parsed.pathname === "" || parsed.pathname === "/") && !parsed.search && !parsed.hash;
		if (typeof value !== "string" || !plain)
			reject("an mqtt:// or mqtts:// URL of a host (and port), got " + JSON.stringify(withoutUserinfo(String(value))));
		if (parsed!.username !== "" || parsed!.password !== "")
			reject("a URL without a user name or password (--mqtt-username; the password in --mqtt-password-file or XSCAM_MQTT_PASSWORD), got " +
				JSON.stringify(withoutUserinfo(value)));
		return value;
	},
	show: (value) => value || "none",
};

const userName: Kind<string> = {
	parse: (text) => userName.check(text),
	check(value) {
		if (typeof value !== "string" || value.length === 0 || value.length > 256 || /[\u0000-\u001f]/.test(value))
			reject("a user name of 1 to 256 characters, got " + JSON.stringify(value));
		return value;
	},
	show: (value) => value || "none",
};

/** Topic levels, as Home Assistant's discovery prefix: no wildcards, no empty level. */
const topicPrefix: Kind<string> = {
	parse: (text) => topicPrefix.check(text.trim()),
	check(value) {
		if (typeof value !== "string" || value.length > 128 || !/^[^/+#\u0000]+(\/[^/+#\u0000]+)*$/.test(value))
			reject("MQTT topic levels without + or # (homeassistant), got " + JSON.stringify(value));
		return value;
	},
	show: String,
};

const logLevel: Kind<string> = {
	parse: (text) => logLevel.check(text.trim().toLowerCase()),
	check(value) {
		if (typeof value !== "string" || !LOG_LEVELS.includes(value)) reject("one of " + LOG_LEVELS.join(", ") + ", got " + JSON.stringify(value));
		return value;
	},
	show: String,
};

/** nats:// or tls:// URLs of the fleet's NATS servers; credentials never in them (seen in argv and logs). */
const natsUrls = urlList("nats:// URLs of a host and port, without a user name or password",
	(url) => (url.protocol === "nats:" || url.protocol === "tls:") && url.hostname !== "" && !url.username && !url.password &&
		(url.pathname === "" || url.pathname === "/") && !url.search && !url.hash,
	(url) => url, "none: one receiver on its own");

/** A name made of what NATS subjects and JetStream bucket names both allow. */
const fleetName: Kind<string> = {
	parse: (text) => fleetName.check(text.trim()),
	check(value) {
		if (typeof value !== "string" || !/^[A-Za-z0-9_-]{1,32}$/.test(value)) reject("1 to 32 letters, digits, _ or -, got " + JSON.stringify(value));
		return value;
	},
	show: String,
};

/** An id as a camera's (the same rule), or empty for the default. */
const receiverId: Kind<string> = {
	parse: (text) => receiverId.check(text.trim()),
	check(value) {
		if (typeof value !== "string" || (value !== "" && (value.length > MAX_ID_BYTES || !ID_PATTERN.test(value)))) reject(ID_RULE + ", got " + JSON.stringify(value));
		return value;
	},
	show: (value) => value || "the host name and ingest port",
};

/** Cameras; 0 derives the limit from memory (cameras/camera-budget.ts) once the other options are known. */
const cameraCount: Kind<number> = { ...integer(0, MAX_CAMERAS), show: (value) => value === 0 ? "0 (from memory)" : String(value) };

export interface OptionSpec<T> {
	flag: string;
	env: string;
	help: string;
	default: T;
	kind: Kind<T>;
}

function spec<T>(flag: string, env: string, kind: Kind<T>, defaultValue: T, help: string): OptionSpec<T> {
	return { flag, env, help, default: defaultValue, kind };
}

const SECOND = 1000;
const HOUR = 3600 * SECOND;
const DAY = 24 * HOUR;
const MiB = 1024 * 1024;

/** Every option that can come from a flag or the environment, in the order --help lists them. */
export const OPTION_SPECS = {
	ingestPort: spec("--ingest-port <port>", "XSCAM_INGEST_PORT", integer(0, 65535), 8700, "TCP port the cameras stream to (0: any free port)"),
	httpPort: spec("--http-port <port>", "XSCAM_HTTP_PORT", integer(0, 65535), 8080, "HTTP port of the web page, streams, API and /metrics (0: any free port)"),
	rtspPort: spec("--rtsp-port <port>", "XSCAM_RTSP_PORT", integer(0, 65535), 8554, "RTSP port: rtsp://<host>:<port>/<camera id> for NVRs and players (0: any free port)"),
	datagramPort: spec("--datagram-port <port>", "XSCAM_DATAGRAM_PORT", datagramPort, "same" as number | "same" | "off",
		"UDP port cameras with a key may send their frames to as datagrams (\"same\": --ingest-port's number; \"off\": frames on the connection only)"),
	host: spec("--host <address>", "XSCAM_HOST", host, "0.0.0.0", "address both ports bind to (:: for IPv6 too, 127.0.0.1 for this machine only)"),
	maxBodyBytes: spec("--max-body-bytes <size>", "XSCAM_MAX_BODY_BYTES", bytes(4096, 64 * MiB), MiB, "largest message body a camera may send, e.g. 1MiB (a frame's body is its JPEG plus 16 bytes)"),
	pingIntervalMs: spec("--ping-interval <duration>", "XSCAM_PING_INTERVAL", duration(100, HOUR), 5 * SECOND, "ping each camera this often; close it after 3 intervals of silence"),
	helloTimeoutMs: spec("--hello-timeout <duration>", "XSCAM_HELLO_TIMEOUT", duration(100, HOUR), 10 * SECOND, "close a camera connection not admitted by then (its TLS handshake, hello and proof)"),
	viewerStallMs: spec("--viewer-stall-timeout <duration>", "XSCAM_VIEWER_STALL_TIMEOUT", duration(100, HOUR), 20 * SECOND, "drop a viewer that has read nothing for this long"),
	controlTimeoutMs: spec("--control-timeout <duration>", "XSCAM_CONTROL_TIMEOUT", duration(100, 10 * 60 * SECOND), 5 * SECOND, "how long a control request waits for the camera's answer"),
	maxCameras: spec("--max-cameras <count>", "XSCAM_MAX_CAMERAS", cameraCount, 0, "how many camera ids the receiver keeps state for (0: as many as their frames fit in half the memory)"),
	keysFile: spec("--keys-file <path>", "XSCAM_KEYS_FILE", path, "xscam-keys.json", "the keys of the cameras it accepts (xscam-server keys add <id>)"),
	insecureCameras: spec("--insecure-cameras", "XSCAM_INSECURE_CAMERAS", flag, false, "also take cameras that do not authenticate (firmware 0.1.0), unless their id has a key"),
	usersFile: spec("--users-file <path>", "XSCAM_USERS_FILE", path, "xscam-users.json", "the viewers who may log in, and the clients' tokens (xscam-server users add, tokens add)"),
	insecureViewers: spec("--insecure-viewers", "XSCAM_INSECURE_VIEWERS", flag, false, "let anyone who reaches the HTTP port watch and change settings, without logging in"),
	publicUrls: spec("--public-url <urls>", "XSCAM_PUBLIC_URL", urls, [] as string[], "the URLs people reach this receiver by, comma-separated (its Host names, and the origin its page is served from)"),
	trustProxy: spec("--trust-proxy <addresses>", "XSCAM_TRUST_PROXY", addresses, [] as string[], "the reverse proxies in front of it, comma-separated addresses or networks: their X-Forwarded-For and -Proto say who the client is and whether it used HTTPS"),
	tlsCert: spec("--tls-cert <path>", "XSCAM_TLS_CERT", path, "", "the receiver's certificate chain (PEM): HTTPS for viewers, TLS on the camera port"),
	tlsKey: spec("--tls-key <path>", "XSCAM_TLS_KEY", path, "", "the private key of --tls-cert (PEM)"),
	maxPendingConnections: spec("--max-pending <count>", "XSCAM_MAX_PENDING", integer(1, 100_000), 256, "camera connections that may wait to say hello and authenticate at once"),
	maxHttpConnections: spec("--max-http-connections <count>", "XSCAM_MAX_HTTP_CONNECTIONS", integer(1, 1_000_000), 1024, "HTTP connections (pages, API, streams) open at once; more are refused"),
	requestTimeoutMs: spec("--request-timeout <duration>", "XSCAM_REQUEST_TIMEOUT", duration(100, HOUR), 10 * SECOND, "close an HTTP connection whose request (headers and body) has not all come in by then; a stream, once asked for, is not bound by it"),
	record: spec("--record", "XSCAM_RECORD", flag, false, "record every camera"),
	recordCameras: spec("--record-cameras <ids>", "XSCAM_RECORD_CAMERAS", cameraIds, [] as string[], "record these cameras, comma-separated (with or without --record)"),
	recordingDir: spec("--recording-dir <path>", "XSCAM_RECORDING_DIR", path, "recordings", "directory of the recordings, one folder per camera"),
	segmentMs: spec("--segment-length <duration>", "XSCAM_SEGMENT_LENGTH", duration(SECOND, DAY), 10 * 60 * SECOND, "start a new segment file this often"),
	retentionMaxAgeMs: spec("--retention-age <duration>", "XSCAM_RETENTION_AGE", duration(60 * SECOND, 100 * 365 * DAY, true), 7 * DAY, "delete recorded footage older than this"),
	retentionMaxBytes: spec("--retention-size <size>", "XSCAM_RETENTION_SIZE", bytes(MiB, 2 ** 50, true), 10 * 1024 * MiB, "delete the oldest segments while all recordings take more than this"),
	mqttUrl: spec("--mqtt <url>", "XSCAM_MQTT", brokerUrl, "", "announce the cameras to Home Assistant through this MQTT broker (mqtt://host:1883, mqtts://host:8883)"),
	mqttUsername: spec("--mqtt-username <name>", "XSCAM_MQTT_USERNAME", userName, "", "the receiver's user name on the MQTT broker"),
	mqttPasswordFile: spec("--mqtt-password-file <path>", "XSCAM_MQTT_PASSWORD_FILE", path, "", "a file holding its MQTT password (or the variable XSCAM_MQTT_PASSWORD; never a flag)"),
	mqttPrefix: spec("--mqtt-prefix <topic>", "XSCAM_MQTT_PREFIX", topicPrefix, "homeassistant", "Home Assistant's MQTT discovery prefix"),
	mqttSnapshotIntervalMs: spec("--mqtt-snapshot-interval <duration>", "XSCAM_MQTT_SNAPSHOT_INTERVAL", duration(SECOND, HOUR), 10 * SECOND, "publish each camera's latest frame to Home Assistant this often"),
	cluster: spec("--cluster <urls>", "XSCAM_CLUSTER", natsUrls, [] as string[], "share the cameras with other receivers through these NATS servers (nats://host:4222, comma-separated; JetStream on); README, \"More than one receiver\""),
	clusterName: spec("--cluster-name <name>", "XSCAM_CLUSTER_NAME", fleetName, "fleet", "the fleet's name on NATS: receivers of one fleet share their cameras, other fleets on the same NATS do not see them"),
	receiverId: spec("--receiver-id <id>", "XSCAM_RECEIVER_ID", receiverId, "", "this receiver's id in the fleet, unique in it"),
	firmwareDir: spec("--firmware-dir <path>", "XSCAM_FIRMWARE_DIR", path, "firmware", "the firmware images it can offer the cameras, one folder per board (xscam-server firmware add)"),
	logLevel: spec("--log-level <level>", "XSCAM_LOG_LEVEL", logLevel, "info", "fatal, error, warn, info, debug, trace or silent"),
};

export type OptionKey = keyof typeof OPTION_SPECS;
type Values = { [key in OptionKey]: (typeof OPTION_SPECS)[key]["default"] };

/** Options of earlier versions, and their names now: a value given under the old name is refused, naming the new one. */
export const RENAMED: { readonly [old: string]: OptionKey } = { maxMessageBytes: "maxBodyBytes" };
/** The environment variables of those options. */
export const RENAMED_ENV: { readonly [old: string]: string } = { XSCAM_MAX_MESSAGE_BYTES: "XSCAM_MAX_BODY_BYTES" };

/** What createReceiver() takes: any option of the table, plus what only code can pass. */
export type ReceiverOptions = Partial<Values> & {
	/** A pino logger to use instead of one at `logLevel` on stdout. */
	logger?: Logger;
	/** The source of time and timers (clock.ts); tests pass a manual one. */
	clock?: Clock;
	/** Opens segment and index files; tests inject failures such as /dev/full. */
	openFile?: OpenFile;
	/** Also export Node's process metrics (CPU, memory, event loop). Once per process: they keep a monitor running. */
	processMetrics?: boolean;
	/** The cameras' keys, instead of those of `keysFile` (`npm start` makes throw-away ones; tests, their own). */
	cameraKeys?: KeyLookup;
	/** The users and tokens, instead of those of `usersFile`. */
	viewerAccess?: ViewerAccess;
};

export type ResolvedOptions = Values & Pick<ReceiverOptions, "logger" | "clock" | "openFile" | "processMetrics" | "cameraKeys" | "viewerAccess">;

/**
 * Applies defaults and checks every value. `name` says how to name an option in the error (its key by
 * default; the CLI names the flag or variable it came from). Throws XSCAM_ERR_OPTION.
 */
export function resolveOptions(options: ReceiverOptions = {}, name: (key: OptionKey) => string = (key) => key): ResolvedOptions {
	if (typeof options !== "object" || options === null) throw xscamError("XSCAM_ERR_OPTION", "options", "must be an object");
	for (const [old, now] of Object.entries(RENAMED))
		if (old in options) throw xscamError("XSCAM_ERR_OPTION", name(old as OptionKey), "is now " + name(now as OptionKey));
	const resolved: { [key: string]: unknown } = { ...options };
	for (const key of Object.keys(OPTION_SPECS) as OptionKey[]) {
		const given = options[key];
		const { kind } = OPTION_SPECS[key] as OptionSpec<unknown>;
		try {
			resolved[key] = given === undefined ? OPTION_SPECS[key].default : kind.check(given);
		}
		catch (reason) {
			throw xscamError("XSCAM_ERR_OPTION", name(key), "must be " + (reason as Error).message);
		}
	}
	const values = resolved as ResolvedOptions;
	if (values.maxCameras === 0) // a camera's frames can take up to maxBodyBytes each, and recording queues more of them
		values.maxCameras = camerasInMemory(memoryForFrames(), cameraBudget(values.maxBodyBytes, values.record || values.recordCameras.length > 0));
	return values;
}

/** Text from a flag or an environment variable -> the option's value; throws XSCAM_ERR_OPTION. */
export function parseOption(key: OptionKey, text: string, name: string): unknown {
	try {
		return (OPTION_SPECS[key] as OptionSpec<unknown>).kind.parse(text);
	}
	catch (reason) {
		throw xscamError("XSCAM_ERR_OPTION", name, "must be " + (reason as Error).message);
	}
}

/** The default as --help shows it. */
export function showDefault(key: OptionKey): string {
	const { kind, default: value } = OPTION_SPECS[key] as OptionSpec<unknown>;
	return kind.show(value);
}
