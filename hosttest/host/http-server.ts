// embedded:network/http/server on the host: the SDK's HTTP/1.1 server's behaviour
// (examples/io/listener/httpserver/httpserver.js in the SDK, read for its rules; this is our own code)
// over the host's listener and TCP socket, so a page the firmware serves answers real HTTP clients.
// The rules a route meets there:
// - one request per connection, closed once the response is sent (no keep-alive);
// - a request line that is not "<method> <path> HTTP/1.1" is an error: onError, and the connection closes;
// - header names in lower case; the body comes through onReadable(count) and read(count), and only
//   once it is all read does onResponse(response) come (status 200, no headers), or respond() at once;
// - the response's length is its lower-case "content-length" header; onWritable(count) asks for the
//   body and write() throws "would block" for more than `count`; when it is all written, onDone.
// Stricter than the SDK where nothing of xscam relies on the difference: a chunked request or response
// body is refused (the SDK decodes and encodes them).

import type DeviceHTTPServer from "embedded:network/http/server";
import type { HTTPConnectionHandlers, HTTPRequest, HTTPResponse, HTTPServerOptions } from "embedded:network/http/server";
import type DeviceTCP from "embedded:io/socket/tcp";
import { board } from "./board";

type State = "request" | "headers" | "body" | "waiting" | "sending" | "done";

const CRLF = "\r\n";
const MAX_LINE = 4096;

class Connection {
	#from: DeviceTCP | undefined;
	#socket: DeviceTCP | undefined;
	#handlers: HTTPConnectionHandlers = {};
	#route: HTTPConnectionHandlers | undefined;
	#state: State = "request";
	#line = "";
	#request: HTTPRequest | undefined;
	#bodyLeft = 0; // request body bytes not yet read, then response body bytes not yet written
	#readable = 0; // body bytes buffered in the socket
	#writable = 0;
	#pendingHead: Uint8Array | undefined; // the status line and headers, until they fit
	readonly #done: (connection: Connection) => void;
	readonly format = "buffer";

	constructor(from: DeviceTCP, done: (connection: Connection) => void) {
		this.#from = from;
		this.#done = done;
	}

	accept(handlers: HTTPConnectionHandlers): void {
		const from = this.#from;
		if (!from) throw new Error("bad state");
		this.#from = undefined;
		this.#handlers = { ...handlers };
		const connection = this;
		const Socket = from.constructor as typeof DeviceTCP;
		this.#socket = new Socket({
			from,
			onReadable: (count) => connection.#onReadable(count),
			onWritable: (count) => connection.#onWritable(count),
			onError: () => connection.#fail(),
		});
	}

	get route(): HTTPConnectionHandlers | undefined {
		return this.#route;
	}

	/** A route replaces the handlers; set while the headers are in, its onRequest sees the request too. */
	set route(route: HTTPConnectionHandlers) {
		this.#route = route;
		this.#handlers = { ...route };
		if (this.#state === "headers" && this.#request) route.onRequest?.call(this as never, this.#request);
	}

	read(count?: number): ArrayBuffer | undefined {
		if (this.#state !== "body") return undefined;
		const available = Math.min(this.#readable, this.#bodyLeft);
		const take = count === undefined || count > available ? available : count;
		if (!take) return undefined;
		this.#readable -= take;
		this.#bodyLeft -= take;
		const bytes = this.#socket!.read(take);
		if (this.#bodyLeft === 0) board().defer(() => this.#reply());
		return bytes;
	}

	respond(response: HTTPResponse): void {
		if (this.#state !== "waiting") throw new Error("bad state");
		let head = "HTTP/1.1 " + response.status + " " + (REASONS[response.status] ?? "OK") + CRLF;
		let length: number | undefined;
		for (const [name, value] of response.headers) {
			if (name === "content-length") length = Number(value);
			if (name === "transfer-encoding") throw new Error("host: a chunked response is not simulated; give a content-length");
			head += name + ": " + value + CRLF;
		}
		if (length === undefined) throw new Error("host: a response needs its lower-case content-length header");
		this.#pendingHead = ascii(head + CRLF);
		this.#bodyLeft = length;
		this.#state = "sending";
		this.#onWritable(this.#writable);
	}

	write(bytes?: ArrayBufferLike | ArrayBufferView): number {
		if (this.#state !== "sending" || this.#pendingHead) throw new Error("bad state");
		if (!bytes) throw new Error("bad data");
		const length = bytes.byteLength;
		if (length > this.#writable || length > this.#bodyLeft) throw new Error("would block");
		this.#writable = this.#socket!.write(bytes);
		this.#bodyLeft -= length;
		if (this.#bodyLeft === 0) this.#finish();
		return this.#writable;
	}

	detach(): DeviceTCP {
		throw new Error("host: detach() is not simulated");
	}

	close(): void {
		this.#done(this);
		this.#from?.close();
		this.#from = undefined;
		this.#socket?.close();
		this.#socket = undefined;
		this.#state = "done";
	}

	#onReadable(count: number): void {
		this.#readable = count;
		while (this.#readable && (this.#state === "request" || this.#state === "headers")) {
			const byte = new Uint8Array(this.#socket!.read(1))[0];
			this.#readable--;
			this.#line += String.fromCharCode(byte);
			if (this.#line.length > MAX_LINE) return this.#fail();
			if (byte === 10) this.#lineIn(this.#line.replace(/\r?\n$/, ""));
		}
		if (this.#state === "body" && this.#readable) this.#handlers.onReadable?.call(this as never, Math.min(this.#readable, this.#bodyLeft));
	}

	#lineIn(line: string): void {
		this.#line = "";
		if (this.#state === "request") {
			const parts = line.trim().split(" ");
			if (parts.length < 3 || parts[2] !== "HTTP/1.1") return this.#fail();
			this.#request = { method: parts[0], path: parts[1], headers: new Map() };
			this.#state = "headers";
			return;
		}
		const request = this.#request!;
		if (line !== "") {
			const colon = line.indexOf(":");
			request.headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
			return;
		}
		if (request.headers.get("transfer-encoding")?.toLowerCase() === "chunked") return this.#fail();
		this.#bodyLeft = parseInt(request.headers.get("content-length") ?? "0", 10) || 0;
		this.#handlers.onRequest?.call(this as never, request);
		if (!this.#socket) return; // the route closed it
		this.#request = undefined;
		if (this.#bodyLeft === 0) this.#reply();
		else this.#state = "body";
	}

	#reply(): void {
		if (!this.#socket) return;
		this.#state = "waiting";
		const response: HTTPResponse = { status: 200, headers: new Map() };
		if (this.#handlers.onResponse) this.#handlers.onResponse.call(this as never, response);
		else this.respond(response);
	}

	#onWritable(count: number): void {
		this.#writable = count;
		if (this.#state !== "sending") return;
		const head = this.#pendingHead;
		if (head) {
			const fits = Math.min(head.byteLength, this.#writable);
			this.#writable = this.#socket!.write(head.subarray(0, fits));
			this.#pendingHead = fits === head.byteLength ? undefined : head.subarray(fits);
			if (this.#pendingHead) return;
		}
		if (this.#bodyLeft === 0) return this.#finish();
		if (this.#writable) this.#handlers.onWritable?.call(this as never, Math.min(this.#writable, this.#bodyLeft));
	}

	#finish(): void {
		this.#state = "done";
		try {
			this.#handlers.onDone?.call(this as never);
		}
		catch {
			// as in the SDK: the response is out, the connection closes anyway
		}
		this.close();
	}

	#fail(): void {
		const onError = this.#handlers.onError;
		this.close();
		onError?.call(this as never);
	}
}

class HTTPServer {
	#listener: InstanceType<HTTPServerOptions["io"]> | undefined;
	readonly #connections = new Set<Connection>();

	constructor(options: HTTPServerOptions) {
		const server = this;
		const connections = this.#connections;
		this.#listener = new options.io({
			port: options.port ?? 80,
			onReadable(count) {
				while (count--) {
					const from = this.read();
					if (!from) return;
					const connection = new Connection(from, (closed) => connections.delete(closed));
					connections.add(connection);
					options.onConnect.call(server as never, connection as never);
				}
			},
		});
	}

	close(): void {
		for (const connection of [...this.#connections]) connection.close();
		this.#listener?.close();
		this.#listener = undefined;
	}

	get port(): number {
		return this.#listener!.port;
	}
}

function ascii(text: string): Uint8Array {
	const bytes = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
	return bytes;
}

const REASONS: { [status: number]: string } = {
	200: "OK", 204: "No Content", 301: "Moved Permanently", 302: "Found", 303: "See Other", 400: "Bad Request", 403: "Forbidden",
	404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 411: "Length Required", 413: "Request Entity Too Large",
	500: "Internal Server Error", 503: "Service Unavailable",
};

export default HTTPServer satisfies typeof DeviceHTTPServer;
