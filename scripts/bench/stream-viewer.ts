// A viewer of the fan-out benchmark on a raw socket: either it reads the MJPEG stream and notes, for
// each whole part, when it arrived and how old its frame was (the camera's stamp, stamped-camera.ts), or
// it sends its request and then never reads again, like a laptop that went to sleep.
// It asks with HTTP/1.0 so that neither server wraps the body in chunked encoding (node:http does for an
// HTTP/1.1 response without a length); then both bodies are the same multipart parts, found by their
// Content-Length.

import { connect, type Socket } from "node:net";
import { stampOf } from "./stamped-camera";

const BLANK_LINE = Buffer.from("\r\n\r\n");

export interface Arrival {
	/** performance.now() when the whole part was in. */
	at: number;
	/** ms from the frame's capture to `at`. */
	age: number;
}

export class StreamViewer {
	readonly socket: Socket;
	readonly arrivals: Arrival[] = [];
	#buffer: Buffer = Buffer.alloc(0); // received, not parsed yet
	#inBody = false; // past the response's own head

	private constructor(socket: Socket, stalled: boolean) {
		this.socket = socket;
		socket.on("error", () => {}); // the run closes every socket at its end
		if (stalled) socket.pause(); // nothing is read from here on: the kernel's buffers fill, then the server's
		else socket.on("data", (chunk: Buffer) => this.#receive(chunk));
	}

	static open(port: number, path: string, stalled: boolean): Promise<StreamViewer> {
		return new Promise((resolve, reject) => {
			const socket = connect(port, "127.0.0.1", () => {
				socket.write("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
				resolve(new StreamViewer(socket, stalled));
			});
			socket.once("error", reject);
		});
	}

	close(): void {
		this.socket.destroy();
	}

	#receive(chunk: Buffer): void {
		const now = performance.now();
		let bytes = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
		for (;;) {
			const end = bytes.indexOf(BLANK_LINE);
			if (end === -1) break;
			const start = end + BLANK_LINE.length;
			if (!this.#inBody) { // the status line and headers, then the first boundary line
				this.#inBody = true;
				bytes = bytes.subarray(start);
				continue;
			}
			// A part's head: the boundary line (after the previous JPEG's CRLF) and its headers.
			const length = /content-length:\s*(\d+)/i.exec(bytes.toString("latin1", 0, end));
			if (!length) throw new Error("bench viewer: a part without Content-Length");
			const jpegEnd = start + Number(length[1]);
			if (bytes.length < jpegEnd) break;
			this.arrivals.push({ at: now, age: now - stampOf(bytes.subarray(start, jpegEnd)) });
			bytes = bytes.subarray(jpegEnd);
		}
		this.#buffer = bytes;
	}
}
