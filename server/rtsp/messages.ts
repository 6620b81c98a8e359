// RTSP 1.0 on the wire (RFC 2326): requests read from a connection's bytes as they arrive, and the
// responses written back. A connection that carries RTP over itself (interleaved, RFC 2326 10.12) also
// brings the client's RTCP reports, each a '$', a channel byte and a 16-bit length before the packet;
// they come between requests and are handed out apart from them.

/** A request: method and URL as sent, header names lower-cased. */
export interface RtspRequest {
	readonly method: string;
	readonly url: string;
	readonly headers: ReadonlyMap<string, string>;
	readonly body: Buffer;
}

export type Incoming = { request: RtspRequest } | { interleaved: { channel: number; data: Buffer } };

/** What cannot be read as RTSP: answered with `status` (400, 413, 505), then the connection is closed. */
export class RtspSyntaxError extends Error {
	readonly status: number;

	constructor(status: number, message: string) {
		super(message);
		this.status = status;
	}
}

/** A request's line and headers; the longest real ones (an Authorization, a Transport list) take a few hundred bytes. */
export const MAX_HEAD_BYTES = 8192;
/** GET_PARAMETER and SET_PARAMETER may carry a body; nothing here needs a large one. */
export const MAX_BODY_BYTES = 4096;

const HEAD_END = Buffer.from("\r\n\r\n");
const DOLLAR = 0x24;

export class RtspReader {
	#pending: Buffer = Buffer.alloc(0);

	/** Everything complete in the bytes so far; throws RtspSyntaxError for bytes that are not RTSP. */
	push(chunk: Buffer): Incoming[] {
		this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
		const out: Incoming[] = [];
		for (;;) {
			const next = this.#next();
			if (next === undefined) return out;
			out.push(next);
		}
	}

	#next(): Incoming | undefined {
		const bytes = this.#pending;
		if (bytes.length === 0) return undefined;
		if (bytes[0] === DOLLAR) {
			if (bytes.length < 4) return undefined;
			const length = bytes.readUInt16BE(2);
			if (bytes.length < 4 + length) return undefined;
			this.#pending = bytes.subarray(4 + length);
			return { interleaved: { channel: bytes[1], data: bytes.subarray(4, 4 + length) } };
		}
		const headEnd = bytes.indexOf(HEAD_END);
		if (headEnd < 0) {
			if (bytes.length > MAX_HEAD_BYTES) throw new RtspSyntaxError(400, "a request head longer than " + MAX_HEAD_BYTES + " bytes");
			return undefined;
		}
		if (headEnd > MAX_HEAD_BYTES) throw new RtspSyntaxError(400, "a request head longer than " + MAX_HEAD_BYTES + " bytes");
		const [line, ...fields] = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
		const match = /^([A-Z_]+) (\S+) RTSP\/(\d+\.\d+)$/.exec(line);
		if (!match) throw new RtspSyntaxError(400, "not an RTSP request line: " + JSON.stringify(line.slice(0, 80)));
		if (match[3] !== "1.0") throw new RtspSyntaxError(505, "RTSP/" + match[3] + " (this server speaks RTSP/1.0)");
		const headers = new Map<string, string>();
		for (const field of fields) {
			const colon = field.indexOf(":");
			if (colon <= 0) throw new RtspSyntaxError(400, "not a header line: " + JSON.stringify(field.slice(0, 80)));
			headers.set(field.slice(0, colon).trim().toLowerCase(), field.slice(colon + 1).trim());
		}
		const lengthText = headers.get("content-length") ?? "0";
		if (!/^\d+$/.test(lengthText)) throw new RtspSyntaxError(400, "Content-Length " + JSON.stringify(lengthText));
		const length = Number(lengthText);
		if (length > MAX_BODY_BYTES) throw new RtspSyntaxError(413, "a body of " + length + " bytes (at most " + MAX_BODY_BYTES + ")");
		const bodyStart = headEnd + HEAD_END.length;
		if (bytes.length < bodyStart + length) return undefined;
		this.#pending = bytes.subarray(bodyStart + length);
		return { request: { method: match[1], url: match[2], headers, body: bytes.subarray(bodyStart, bodyStart + length) } };
	}
}

const REASONS: { [status: number]: string } = {
	200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 413: "Request Entity Too Large",
	454: "Session Not Found", 455: "Method Not Valid in This State", 459: "Aggregate Operation Not Allowed",
	461: "Unsupported Transport", 500: "Internal Server Error", 501: "Not Implemented", 503: "Service Unavailable",
	505: "RTSP Version Not Supported",
};

/** A response's bytes. `cseq` is echoed when the request had one (RFC 2326 12.17). */
export function rtspResponse(status: number, cseq: string | undefined, headers: { [name: string]: string } = {}, body?: string): Buffer {
	const lines = ["RTSP/1.0 " + status + " " + (REASONS[status] ?? "Error")];
	if (cseq !== undefined) lines.push("CSeq: " + cseq);
	lines.push("Server: xscam");
	for (const [name, value] of Object.entries(headers)) lines.push(name + ": " + value);
	if (body !== undefined) lines.push("Content-Length: " + Buffer.byteLength(body));
	return Buffer.from(lines.join("\r\n") + "\r\n\r\n" + (body ?? ""), "latin1");
}
