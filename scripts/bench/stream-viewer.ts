// A viewer of the fan-out benchmark on a raw socket: either it reads the MJPEG stream and notes, for
// each whole part, when it arrived and how old its frame was (the camera's stamp, stamped-camera.ts), or
// it sends its request and then never reads again, like a laptop that went to sleep.
// It asks with HTTP/1.0 so that neither server wraps the body in chunked encoding (node:http does for an
// HTTP/1.1 response without a length); then both bodies are the same multipart parts, found by their
// Content-Length.

import { connect, type Socket } from "node:net";
import { STAMP_END, stampOf } from "./stamped-camera";

const BLANK_LINE = "\r\n\r\n";
/** The response's head, or a part's (the boundary line and its headers), is never longer. */
const MAX_HEAD = 1024;

export interface Arrival {
	/** performance.now() when the whole part was in. */
	at: number;
	/** ms from the frame's capture to `at`. */
	age: number;
}

export class StreamViewer {
	readonly socket: Socket;
	readonly arrivals: Arrival[] = [];
	// The parse goes on from read to read without copying a JPEG: the bytes of a head so far, or the
	// JPEG's bytes still to come and its first bytes (its stamp); a thousand viewers must not cost the
	// run's process more than the server's.
	#head = "";
	#inBody = false; // past the response's own head
	#jpegLeft = 0;
	readonly #jpegStart = Buffer.alloc(STAMP_END);
	#jpegStartFilled = 0;

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
		let at = 0;
		while (at < chunk.length) {
			if (this.#jpegLeft > 0) {
				const take = Math.min(this.#jpegLeft, chunk.length - at);
				if (this.#jpegStartFilled < STAMP_END)
					this.#jpegStartFilled += chunk.copy(this.#jpegStart, this.#jpegStartFilled, at, at + Math.min(take, STAMP_END - this.#jpegStartFilled));
				this.#jpegLeft -= take;
				at += take;
				if (this.#jpegLeft === 0) this.arrivals.push({ at: now, age: now - stampOf(this.#jpegStart) });
				continue;
			}
			const before = this.#head.length;
			const upTo = Math.min(chunk.length, at + MAX_HEAD);
			this.#head += chunk.toString("latin1", at, upTo);
			const end = this.#head.indexOf(BLANK_LINE);
			if (end === -1) {
				if (this.#head.length > MAX_HEAD) throw new Error("bench viewer: a head longer than " + MAX_HEAD + " bytes");
				at = upTo;
				continue;
			}
			at += end + BLANK_LINE.length - before;
			const head = this.#head.slice(0, end);
			this.#head = "";
			if (!this.#inBody) { // the status line and headers; the first boundary line begins the first part's head
				this.#inBody = true;
				continue;
			}
			// A part's head: the boundary line (after the previous JPEG's CRLF) and its headers.
			const length = /content-length:\s*(\d+)/i.exec(head);
			if (!length) throw new Error("bench viewer: a part without Content-Length");
			this.#jpegLeft = Number(length[1]);
			this.#jpegStartFilled = 0;
		}
	}
}
