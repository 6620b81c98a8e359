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
	/** Every byte received. */
	raw = Buffer.alloc(0);
	head: string | undefined;
	readonly parts: Part[] = [];
	readonly closed: Promise<void>;
	#at = 0; // parse position in raw
	#boundary: string | undefined;

	private constructor(socket: Socket) {
		this.socket = socket;
		socket.on("data", (chunk: Buffer) => {
			this.raw = Buffer.concat([this.raw, chunk]);
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

	close(): Promise<void> {
		this.socket.destroy();
		return this.closed;
	}

	#parse(): void {
		if (this.head === undefined) {
			const end = this.raw.indexOf(CRLF2);
			if (end === -1) return;
			this.head = this.raw.subarray(0, end + 4).toString("latin1");
			this.#boundary = /boundary=([^\r\n;]+)/i.exec(this.head)?.[1];
			this.#at = end + 4;
		}
		if (this.#boundary === undefined) return;
		const line = Buffer.from("--" + this.#boundary + "\r\n");
		for (;;) {
			// a part: boundary line, headers, blank line, Content-Length bytes, CRLF
			if (this.raw.length < this.#at + line.length) return;
			if (!this.raw.subarray(this.#at, this.#at + line.length).equals(line))
				throw new Error("expected a boundary line at byte " + this.#at);
			const headersEnd = this.raw.indexOf(CRLF2, this.#at + line.length);
			if (headersEnd === -1) return;
			const headers: { [name: string]: string } = {};
			for (const header of this.raw.subarray(this.#at + line.length, headersEnd).toString("latin1").split("\r\n")) {
				const colon = header.indexOf(":");
				headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
			}
			const length = Number(headers["content-length"]);
			const start = headersEnd + 4;
			if (this.raw.length < start + length + 2) return;
			if (this.raw.subarray(start + length, start + length + 2).toString("latin1") !== "\r\n")
				throw new Error("no CRLF after a part's Content-Length bytes");
			this.parts.push({ headers, jpeg: Buffer.from(this.raw.subarray(start, start + length)) });
			this.#at = start + length + 2;
		}
	}
}
