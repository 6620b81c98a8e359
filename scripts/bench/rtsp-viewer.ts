// An RTSP client of the many-clients benchmark on a raw socket: DESCRIBE, SETUP with RTP over the same
// connection (interleaved, RFC 2326 10.12) and PLAY, then it reads the `$`-framed RTP packets and notes,
// for each whole frame (its last packet has the marker bit), when it arrived and how old it was. The
// age comes from the camera's stamp at the start of the scan (stamped-camera.ts, rtpJpegs), which is in
// the frame's first packet: exact, where the RTP timestamp would need an RTCP sender report to map it.
// hosttest's RtspClient keeps every packet for its tests to inspect; this keeps only the arrivals.

import { connect, type Socket } from "node:net";
import { scanStampOf } from "./stamped-camera";
import type { Arrival } from "./stream-viewer";

const INTERLEAVED = 0x24; // '$'
const RTP_CHANNEL = 0;
const RTP_HEADER_BYTES = 12; // the receiver sends no CSRC and no extension
const BLANK_LINE = Buffer.from("\r\n\r\n");

interface Answer {
	status: number;
	headers: Map<string, string>;
}

export class RtspViewer {
	readonly arrivals: Arrival[] = [];
	readonly #socket: Socket;
	#buffer: Buffer = Buffer.alloc(0); // received, not parsed yet
	#cseq = 0;
	#answered: ((answer: Answer) => void) | undefined;
	#stamp: number | undefined; // of the frame whose packets are coming in, from its first packet

	private constructor(socket: Socket) {
		this.#socket = socket;
		socket.on("error", () => {}); // the run closes every socket at its end
		socket.on("data", (chunk: Buffer) => this.#receive(chunk));
	}

	/** Connects to an RTSP port and plays `rtsp://127.0.0.1:<port>/<cameraId>` over TCP; resolves once PLAY is answered. */
	static async play(port: number, cameraId: string): Promise<RtspViewer> {
		const socket = await new Promise<Socket>((resolve, reject) => {
			const socket = connect(port, "127.0.0.1", () => resolve(socket));
			socket.once("error", reject);
		});
		const viewer = new RtspViewer(socket);
		const url = "rtsp://127.0.0.1:" + port + "/" + cameraId;
		const describe = await viewer.#request("DESCRIBE", url, { Accept: "application/sdp" });
		const setup = await viewer.#request("SETUP", describe.headers.get("content-base") + "track1", { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
		await viewer.#request("PLAY", url, { Session: setup.headers.get("session")!.split(";")[0] });
		return viewer;
	}

	close(): void {
		this.#socket.destroy();
	}

	#request(method: string, url: string, headers: { [name: string]: string }): Promise<Answer> {
		const lines = [method + " " + url + " RTSP/1.0", "CSeq: " + ++this.#cseq, ...Object.entries(headers).map(([name, value]) => name + ": " + value)];
		return new Promise((resolve, reject) => {
			this.#answered = (answer) => {
				if (answer.status === 200) resolve(answer);
				else reject(new Error("bench RTSP viewer: " + method + " answered " + answer.status));
			};
			this.#socket.write(lines.join("\r\n") + "\r\n\r\n");
		});
	}

	#receive(chunk: Buffer): void {
		const now = performance.now();
		const bytes = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
		let at = 0; // parsed up to here: offsets, not views, since there are 30 packets a frame per client
		for (;;) {
			if (at < bytes.length && bytes[at] === INTERLEAVED) { // '$', channel, length (16 bits), packet
				if (bytes.length < at + 4) break;
				const end = at + 4 + bytes.readUInt16BE(at + 2);
				if (bytes.length < end) break;
				if (bytes[at + 1] === RTP_CHANNEL) this.#packet(bytes, at + 4, now); // RTCP (channel 1) is not needed
				at = end;
				continue;
			}
			const headEnd = bytes.indexOf(BLANK_LINE, at);
			if (headEnd === -1) break;
			const [statusLine, ...fields] = bytes.toString("latin1", at, headEnd).split("\r\n");
			const headers = new Map(fields.map((field) => [field.slice(0, field.indexOf(":")).toLowerCase(), field.slice(field.indexOf(":") + 1).trim()]));
			const end = headEnd + BLANK_LINE.length + Number(headers.get("content-length") ?? 0);
			if (bytes.length < end) break;
			at = end;
			this.#answered?.({ status: Number(statusLine.split(" ")[1]), headers });
		}
		this.#buffer = bytes.subarray(at);
	}

	/** The RTP/JPEG packet at `start` in `bytes` (RFC 2435 3.1): the first of a frame holds the stamp, the last has the marker. */
	#packet(bytes: Buffer, start: number, now: number): void {
		const payload = start + RTP_HEADER_BYTES;
		if (bytes.readUIntBE(payload + 1, 3) === 0) { // fragment offset 0: the frame's first packet
			const restartHeaderBytes = bytes[payload + 4] >= 64 ? 4 : 0; // types 64-127 have a restart marker header (3.1.7)
			const tables = payload + 8 + restartHeaderBytes;
			// Q 128-255: a quantization table header before the scan, in the first packet (3.1.8)
			const scanStart = bytes[payload + 5] >= 128 ? tables + 4 + bytes.readUInt16BE(tables + 2) : tables;
			this.#stamp = scanStampOf(bytes, scanStart);
		}
		const marker = (bytes[start + 1] & 0x80) !== 0;
		if (!marker || this.#stamp === undefined) return; // a frame joined midway is not counted
		this.arrivals.push({ at: now, age: now - this.#stamp });
		this.#stamp = undefined;
	}
}
