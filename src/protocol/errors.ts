// Every way a byte stream can break the protocol, as a coded error (one catalog; tests assert `code`).
// Limits are RangeErrors, like ws's "Max payload size exceeded"; the rest are plain Errors.

const CATALOG = {
	XSCAM_ERR_BAD_MAGIC: "not an xscam stream: bad magic",
	XSCAM_ERR_BAD_VERSION: "unsupported protocol version",
	XSCAM_ERR_BAD_TYPE: "unknown message type",
	XSCAM_ERR_WRONG_DIRECTION: "message type not accepted in this direction",
	XSCAM_ERR_TOO_LARGE: "message larger than allowed",
	XSCAM_ERR_BAD_BODY: "malformed message body",
	XSCAM_ERR_BAD_DATAGRAM: "datagram refused",
} as const;

export type ProtocolErrorCode = keyof typeof CATALOG;

export interface ProtocolError extends Error {
	code: ProtocolErrorCode;
}

export function protocolError(code: ProtocolErrorCode, detail: string): ProtocolError {
	const message = CATALOG[code] + ": " + detail;
	const error = (code === "XSCAM_ERR_TOO_LARGE" ? new RangeError(message) : new Error(message)) as ProtocolError;
	error.code = code;
	return error;
}

export function isProtocolError(error: unknown): error is ProtocolError {
	return error instanceof Error && typeof (error as ProtocolError).code === "string" &&
		(error as ProtocolError).code in CATALOG;
}
