// Every way the receiver can fail, as one coded catalog (fastify's lib/errors.js): the code, a message
// template, the HTTP status where a request can meet it, and the base class (TypeError for misuse,
// RangeError for limits and lengths, Error otherwise). Tests assert `code`, never the message text.
// Protocol errors (bad magic, too large, ...) come from src/protocol/errors.ts with the same shape.

type Base = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

interface Entry {
	message: string;
	statusCode: number;
	base: Base;
}

function entry(message: string, statusCode = 500, base: Base = Error): Entry {
	return { message, statusCode, base };
}

const CATALOG = {
	// configuration (cli.ts, options.ts)
	XSCAM_ERR_OPTION: entry("invalid option %s: %s", 500, TypeError),
	XSCAM_ERR_PORT_IN_USE: entry("%s port %s is already in use on %s"),
	XSCAM_ERR_LISTEN: entry("cannot listen on %s port %s on %s: %s"),
	XSCAM_ERR_ALREADY_STARTED: entry("the receiver was already started; create a new one"),
	XSCAM_ERR_SECRET_FILE: entry("cannot use %s: %s"),
	XSCAM_ERR_TLS: entry("cannot use the TLS certificate and key: %s"),
	// ingest (ingest/camera-session.ts): why a camera connection was closed
	XSCAM_ERR_NO_HELLO: entry("%s before the hello"),
	XSCAM_ERR_SECOND_HELLO: entry("a second hello on one connection"),
	XSCAM_ERR_SECOND_CAPABILITIES: entry("a second capabilities message on one connection"),
	XSCAM_ERR_AUTH_REQUIRED: entry("camera %s does not authenticate, and this receiver takes only cameras that do (docs/security.md)"),
	XSCAM_ERR_AUTH_FAILED: entry("camera %s failed to authenticate: %s"),
	XSCAM_ERR_NOT_AUTHENTICATED: entry("%s before the camera authenticated"),
	XSCAM_ERR_UNEXPECTED_AUTH: entry("an auth message that answers no challenge"),
	XSCAM_ERR_HELLO_TIMEOUT: entry("no hello within %s ms"),
	XSCAM_ERR_SILENT: entry("nothing received for %s ms"),
	XSCAM_ERR_TOO_MANY_CAMERAS: entry("already %s cameras, the limit", 500, RangeError),
	XSCAM_ERR_REPLACED: entry("replaced by a new connection from %s"),
	XSCAM_ERR_SHUTDOWN: entry("the receiver is shutting down"),
	// who may use the HTTP side (http/access.ts)
	XSCAM_ERR_UNAUTHORIZED: entry("log in, or give a token (docs/security.md)", 401),
	XSCAM_ERR_FORBIDDEN: entry("%s may not %s", 403),
	XSCAM_ERR_HOST: entry("Host %s is not this receiver: use its address, localhost, or a --public-url", 421),
	XSCAM_ERR_CROSS_SITE: entry("a request from %s, another site, may not change anything here", 403),
	XSCAM_ERR_CONTROL_RATE: entry("%s may send at most %s %s a second", 429, RangeError),
	// HTTP API (http/)
	XSCAM_ERR_BAD_HTTP: entry("not an HTTP request this receiver can read: %s", 400),
	XSCAM_ERR_NO_ROUTE: entry("nothing here answers %s %s", 404),
	XSCAM_ERR_CAMERA_NOT_FOUND: entry("no camera %s", 404),
	XSCAM_ERR_NO_FRAME: entry("camera %s has sent no frame yet", 404),
	XSCAM_ERR_CAMERA_OFFLINE: entry("camera %s is offline", 503),
	XSCAM_ERR_CAMERA_ONLINE: entry("camera %s is online: only an offline camera can be removed", 409),
	XSCAM_ERR_BAD_CONTROL: entry("bad control request: %s", 400, TypeError),
	XSCAM_ERR_SECRET_IN_CLEAR: entry("%s goes to a camera only over TLS, and this receiver's camera port has none (--tls-cert, docs/security.md)", 400, TypeError),
	XSCAM_ERR_CONTROL_BUSY: entry("camera %s already has %s control requests waiting", 429, RangeError),
	XSCAM_ERR_CONTROL_TIMEOUT: entry("camera %s did not answer control request %s within %s ms", 504),
	XSCAM_ERR_CONTROL_ABORTED: entry("camera %s disconnected before answering control request %s", 503),
	XSCAM_ERR_BAD_CONTROL_RESULT: entry("camera %s answered control request %s wrongly: %s", 502),
	// firmware updates (update/)
	XSCAM_ERR_FIRMWARE: entry("firmware %s: %s", 400, TypeError),
	XSCAM_ERR_FIRMWARE_NOT_FOUND: entry("no firmware %s for board %s (xscam-server firmware add)", 404),
	XSCAM_ERR_NO_UPDATES: entry("camera %s runs firmware %s, which takes no updates over the network", 409),
	XSCAM_ERR_UPDATE_BUSY: entry("camera %s is already being updated to %s", 409),
	XSCAM_ERR_UPDATE_UNAUTHENTICATED: entry("camera %s has no key: updates go only to cameras that prove one (docs/security.md)", 409),
	XSCAM_ERR_BAD_UPDATE_STATUS: entry("an update status that answers nothing sent: %s"),
	// viewers (http/fan-out.ts)
	XSCAM_ERR_VIEWER_STALLED: entry("the viewer read nothing for %s ms"),
	// Home Assistant (home-assistant/): why the receiver is not connected to the MQTT broker
	XSCAM_ERR_MQTT: entry("cannot use the MQTT broker %s: %s; trying again every %s s"),
	// the fleet (cluster/): receivers sharing cameras through NATS
	XSCAM_ERR_CLUSTER: entry("cannot use the NATS cluster %s: %s"),
	XSCAM_ERR_MOVED: entry("camera %s moved to receiver %s"),
	XSCAM_ERR_CAMERA_ELSEWHERE: entry("camera %s is held by receiver %s: %s there", 409),
	XSCAM_ERR_HOLDER_SILENT: entry("receiver %s, which holds camera %s, has said nothing for %s ms", 503),
	// recording (record/)
	XSCAM_ERR_RECORDING: entry("recording stopped for camera %s: %s"),
	XSCAM_ERR_RECORDING_DIR: entry("cannot use the recording directory %s: %s"),
} as const satisfies { [code: string]: Entry };

export type ErrorCode = keyof typeof CATALOG;

export interface XscamError extends Error {
	code: ErrorCode;
	statusCode: number;
}

/** A new error of the catalog; each argument fills the next %s of its message. */
export function xscamError(code: ErrorCode, ...args: (string | number)[]): XscamError {
	const { message, statusCode, base } = CATALOG[code];
	let next = 0;
	const text = message.replace(/%s/g, () => String(args[next++]));
	const error = new base(text) as XscamError;
	error.code = code;
	error.statusCode = statusCode;
	return error;
}

export function isXscamError(error: unknown): error is XscamError {
	return error instanceof Error && typeof (error as XscamError).code === "string" && (error as XscamError).code in CATALOG;
}

/** The catalog's codes, for its own test (every code matches its key, and the count is known). */
export const ERROR_CODES = Object.keys(CATALOG) as ErrorCode[];

/** The one-line error for a port that cannot be bound (EADDRINUSE, EACCES, EADDRNOTAVAIL, ...). */
export function listenError(role: string, port: number, host: string, error: NodeJS.ErrnoException): XscamError {
	if (error.code === "EADDRINUSE") return xscamError("XSCAM_ERR_PORT_IN_USE", role, port, host);
	return xscamError("XSCAM_ERR_LISTEN", role, port, host, error.code ?? error.message);
}
