// An RTSP client for the receiver's tests: real TCP, requests written by hand, answers and interleaved
// RTP/RTCP read from the same bytes; and the receiving half of RFC 2435, which rebuilds a JPEG from a
// frame's RTP payloads the way a real client does (Appendix A and B), so a test can decode what a
// client would show. The real clients (ffmpeg, GStreamer) are in the e2e tests.

import { connect, type Socket } from "node:net";
import { connect as connectTls } from "node:tls";
import { STANDARD_HUFFMAN_TABLES } from "../../../server/rtsp/jpeg-tables";

export interface RtspAnswer {
	status: number;
	headers: Map<string, string>;
	body: string;
}

export interface RtpPacket {
	channel: number;
	marker: boolean;
	payloadType: number;
	seq: number;
	timestamp: number;
	ssrc: number;
	payload: Buffer;
}

/** An RTP packet's fields (RFC 3550 5.1); `channel` is the interleaved channel, or -1 for a datagram. */
export function parseRtp(packet: Buffer, channel = -1): RtpPacket {
	return {
		channel, marker: (packet[1] & 0x80) !== 0, payloadType: packet[1] & 0x7f, seq: packet.readUInt16BE(2),
		timestamp: packet.readUInt32BE(4), ssrc: packet.readUInt32BE(8), payload: packet.subarray(12),
	};
}

export class RtspClient {
	readonly socket: Socket;
	/** RTP packets on even channels, in order. */
	readonly rtp: RtpPacket[] = [];
	/** RTCP packets on odd channels. */
	readonly rtcp: Buffer[] = [];
	readonly closed: Promise<void>;
	/** Whole frames received (RTP packets with the marker), counted as they come: frames() builds them all. */
	frameCount = 0;
	#pending: Buffer = Buffer.alloc(0);
	#cseq = 0;
	readonly #waiting: ((answer: RtspAnswer) => void)[] = [];

	private constructor(socket: Socket) {
		this.socket = socket;
		socket.on("data", (chunk: Buffer) => this.#read(chunk));
		socket.on("error", () => {});
		this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
	}

	/** Connects in clear text, or over TLS (rtsps) trusting only `tls.ca`. */
	static open(port: number, tls?: { ca: string }): Promise<RtspClient> {
		return new Promise((resolve, reject) => {
			const socket: Socket = tls
				? connectTls({ port, host: "127.0.0.1", ca: tls.ca }, () => resolve(new RtspClient(socket)))
				: connect(port, "127.0.0.1", () => resolve(new RtspClient(socket)));
			socket.once("error", reject);
		});
	}

	/** Sends a request with the next CSeq and resolves with its answer. */
	request(method: string, url: string, headers: { [name: string]: string } = {}): Promise<RtspAnswer> {
		const lines = [method + " " + url + " RTSP/1.0", "CSeq: " + ++this.#cseq, ...Object.entries(headers).map(([name, value]) => name + ": " + value)];
		return this.raw(lines.join("\r\n") + "\r\n\r\n");
	}

	/** Writes `bytes` as they are and resolves with the next answer. */
	raw(bytes: string | Buffer): Promise<RtspAnswer> {
		const answer = new Promise<RtspAnswer>((resolve, reject) => {
			this.#waiting.push(resolve);
			this.closed.then(() => reject(new Error("the connection closed before an answer")));
		});
		this.socket.write(bytes);
		return answer;
	}

	/** DESCRIBE, SETUP over this connection (interleaved) and PLAY; resolves with the session id. */
	async play(url: string, headers: { [name: string]: string } = {}): Promise<string> {
		const describe = await this.request("DESCRIBE", url, headers);
		if (describe.status !== 200) throw new Error("DESCRIBE: " + describe.status);
		const setup = await this.request("SETUP", describe.headers.get("content-base") + "track1", { ...headers, Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" });
		if (setup.status !== 200) throw new Error("SETUP: " + setup.status);
		const session = setup.headers.get("session")!.split(";")[0];
		const play = await this.request("PLAY", url, { ...headers, Session: session });
		if (play.status !== 200) throw new Error("PLAY: " + play.status);
		return session;
	}

	/** The complete frames received: each one's packets, up to the one with the marker. */
	frames(): RtpPacket[][] {
		const frames: RtpPacket[][] = [];
		let current: RtpPacket[] = [];
		for (const packet of this.rtp) {
			current.push(packet);
			if (packet.marker) {
				frames.push(current);
				current = [];
			}
		}
		return frames;
	}

	close(): Promise<void> {
		this.socket.destroy();
		return this.closed;
	}

	#read(chunk: Buffer): void {
		this.#pending = Buffer.concat([this.#pending, chunk]);
		for (;;) {
			const bytes = this.#pending;
			if (bytes.length >= 4 && bytes[0] === 0x24) {
				const length = bytes.readUInt16BE(2);
				if (bytes.length < 4 + length) return;
				const packet = bytes.subarray(4, 4 + length);
				if (bytes[1] % 2 === 0) {
					const rtp = parseRtp(packet, bytes[1]);
					this.rtp.push(rtp);
					if (rtp.marker) this.frameCount++;
				}
				else this.rtcp.push(packet);
				this.#pending = bytes.subarray(4 + length);
				continue;
			}
			const end = bytes.indexOf("\r\n\r\n");
			if (end < 0) return;
			const [status, ...fields] = bytes.subarray(0, end).toString("latin1").split("\r\n");
			const headers = new Map(fields.map((field) => [field.slice(0, field.indexOf(":")).toLowerCase(), field.slice(field.indexOf(":") + 1).trim()]));
			const length = Number(headers.get("content-length") ?? 0);
			if (bytes.length < end + 4 + length) return;
			this.#pending = bytes.subarray(end + 4 + length);
			this.#waiting.shift()?.({ status: Number(status.split(" ")[1]), headers, body: bytes.subarray(end + 4, end + 4 + length).toString("latin1") });
		}
	}
}

/** A JPEG marker segment: the marker, its length, its body. */
function segment(marker: number, body: Buffer): Buffer {
	return Buffer.concat([Buffer.of(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff), body]);
}

/** The JPEG a client rebuilds from one frame's RTP/JPEG payloads (RFC 2435, Appendix A and B). */
export function rebuildJpeg(payloads: Buffer[]): Buffer {
	const first = payloads[0];
	const type = first[4];
	const width = first[6] * 8;
	const height = first[7] * 8;
	const restart = type >= 64 ? 4 : 0;
	const tablesAt = 8 + restart;
	const tablesLength = first.readUInt16BE(tablesAt + 2);
	const tables = first.subarray(tablesAt + 4, tablesAt + 4 + tablesLength);
	const scan = Buffer.concat(payloads.map((payload, n) => payload.subarray(8 + restart + (n === 0 ? 4 + tablesLength : 0))));
	const lumaV = (type & 63) === 0 ? 1 : 2;
	return Buffer.concat([
		Buffer.of(0xff, 0xd8),
		segment(0xdb, Buffer.concat([Buffer.of(0), tables.subarray(0, 64), Buffer.of(1), tables.subarray(64, 128)])),
		...(restart ? [segment(0xdd, first.subarray(8, 10))] : []),
		segment(0xc0, Buffer.of(8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x20 | lumaV, 0, 2, 0x11, 1, 3, 0x11, 1)),
		segment(0xc4, Buffer.concat([...STANDARD_HUFFMAN_TABLES.values()])),
		segment(0xda, Buffer.of(3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0)),
		scan,
		Buffer.of(0xff, 0xd9),
	]);
}

/**
 * A JPEG-shaped frame RTP/JPEG can carry, of exactly `size` bytes: the headers of a baseline 4:2:0
 * JPEG with the standard tables, and a scan of `fill` bytes. The packetizer never decodes the scan, so
 * this tests its packets at any size without the cost of encoding a picture.
 */
export function syntheticRtpJpeg(size: number, fill = 0x11): Buffer {
	const head = Buffer.concat([
		Buffer.of(0xff, 0xd8),
		segment(0xdb, Buffer.concat([Buffer.of(0), Buffer.alloc(64, 1), Buffer.of(1), Buffer.alloc(64, 2)])),
		segment(0xc0, Buffer.of(8, 0, 240, 1, 64, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1)),
		segment(0xc4, Buffer.concat([...STANDARD_HUFFMAN_TABLES.values()])),
		segment(0xda, Buffer.of(3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0)),
	]);
	if (fill === 0xff || size < head.length + 3) throw new RangeError("a scan of " + fill + " cannot make " + size + " bytes");
	return Buffer.concat([head, Buffer.alloc(size - head.length - 2, fill), Buffer.of(0xff, 0xd9)]);
}
