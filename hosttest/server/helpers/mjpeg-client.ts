// An MJPEG viewer on a raw socket, so a test sees the exact bytes on the wire: the status line and
// headers as sent, and each part's headers, length and JPEG.

import { connect } from "node:net";
import type { Socket } from "node:net";

export interface Part {
	headers: { [name: string]: string };
	jpeg: Buffer;
}

const CRLF2 = Buffer.from("\r\n\r\n");

export class MjpegClient {
	readonly socket: Socket;
	head: string | undefined;
	readonly parts: Part[] = [];
	readonly closed: Promise<void>;
	readonly #chunks: Buffer[] = []; // everything received, for raw()
	#buffer: Buffer = Buffer.alloc(0); // received and not parsed yet
	#boundary: string | undefined;

	private constructor(socket: Socket) {
		this.socket = socket;
		socket.on("data", (chunk: Buffer) => {
			this.#chunks.push(chunk);
			this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
			this.#parse();
		});
		socket.on("error", () => {});
		this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
	}

	/** Sends a GET for `path`; `paused` makes a viewer that never reads (its socket buffers fill). */
	static open(port: number, path: string, options: { paused?: boolean; method?: string } = {}): Promise<MjpegClient> {
		return new Promise((resolve, reject) => {
			const socket = connect(port, "127.0.0.1", () => {
				socket.write((options.method ?? "GET") + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: test\r\n\r\n");
				const client = new MjpegClient(socket);
				if (options.paused) socket.pause();
				resolve(client);
			});
			socket.once("error", reject);
		});
	}

	/** Every byte received so far, as it came. */
	raw(): Buffer {
		return Buffer.concat(this.#chunks);
	}

	close(): Promise<void> {
		this.socket.destroy();
		return this.closed;
	}

	#parse(): void {
		let at = 0;
		if (this.head === undefined) {
			const end = this.#buffer.indexOf(CRLF2);
			if (end === -1) return;
			this.head = this.#buffer.subarray(0, end + 4).toString("latin1");
			this.#boundary = /boundary=([^\r\n;]+)/i.exec(this.head)?.[1];
			at = end + 4;
		}
		if (this.#boundary !== undefined) at = this.#parseParts(at, Buffer.from("--" + this.#boundary + "\r\n"));
		this.#buffer = this.#buffer.subarray(at);
	}

	/** Parses whole parts from `at`: boundary line, headers, blank line, Content-Length bytes, CRLF. Returns where it stopped. */
	#parseParts(at: number, line: Buffer): number {
		const bytes = this.#buffer;
		for (;;) {
			if (bytes.length < at + line.length) return at;
			if (!bytes.subarray(at, at + line.length).equals(line)) throw new Error("expected a boundary line");
			const headersEnd = bytes.indexOf(CRLF2, at + line.length);
			if (headersEnd === -1) return at;
			const headers: { [name: string]: string } = {};
			for (const header of bytes.subarray(at + line.length, headersEnd).toString("latin1").split("\r\n")) {
				const colon = header.indexOf(":");
				headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
			}
			const length = Number(headers["content-length"]);
			const start = headersEnd + 4;
			if (bytes.length < start + length + 2) return at;
			if (bytes.subarray(start + length, start + length + 2).toString("latin1") !== "\r\n")
				throw new Error("no CRLF after a part's Content-Length bytes");
			this.parts.push({ headers, jpeg: Buffer.from(bytes.subarray(start, start + length)) });
			at = start + length + 2;
		}
	}
}
