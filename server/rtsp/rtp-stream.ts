// One RTSP session's stream: a camera's frames to one client as RTP packets, over the RTSP connection
// (interleaved) or as UDP datagrams, and every few seconds an RTCP sender report that ties the RTP
// clock to wall-clock time, so a client can line the stream up with others (and measure it).
//
// Like an MJPEG viewer, the stream writes through a latest-wins slot (viewers/latest-wins.ts): the
// packets of one frame are written together; a frame that comes while they are still flushing waits
// in the slot, replacing any that waited; so a slow client skips frames, holds at most one frame
// beyond its socket, and never delays the camera or another client. The packets' payloads are the
// frame's, shared by every client (rtp-jpeg.ts); each client has only its own headers.

import type { Socket as UdpSocket } from "node:dgram";
import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { Cancel, Clock } from "../clock";
import { LatestWins } from "../viewers/latest-wins";
import type { RtpJpegFrame } from "./rtp-jpeg";
import type { Transport } from "./transport";

/** A frame ready to go: its payloads and when it was captured. */
export interface RtpFrame {
	readonly packets: RtpJpegFrame;
	/** ms since the epoch (the receiver's clock). */
	readonly captureTime: number;
}

/** The RTP payload type of JPEG (RFC 3551), on its 90 kHz clock. */
export const JPEG_PAYLOAD_TYPE = 26;
const CLOCK_RATE = 90_000;
/** RFC 3550 6.2: at most one report every five seconds. */
export const SENDER_REPORT_MS = 5000;
/** Seconds from 1900 (NTP's epoch) to 1970. */
const NTP_EPOCH_OFFSET = 2_208_988_800;

/** Counts a camera's streams add to (for /metrics). */
export interface StreamTotals {
	/** Frames written. */
	sent: number;
	/** Frames replaced in the slot by a newer one before they were written. */
	skipped: number;
}

/** Where a stream's packets go. */
export interface RtpDestination {
	readonly transport: Transport;
	/** The RTSP connection: its socket carries interleaved packets. */
	readonly socket: Socket;
	/** The receiver's RTP and RTCP datagram sockets, for a UDP transport. */
	readonly udp?: { rtp: UdpSocket; rtcp: UdpSocket; address: string };
}

export class RtpStream {
	readonly ssrc = randomBytes(4).readUInt32BE(0);
	readonly slot: LatestWins<RtpFrame>;
	/** The sequence number of the next packet (RTP-Info in PLAY's answer). */
	nextSeq = randomBytes(2).readUInt16BE(0);
	/** When the client last showed it is there (a request, or an RTCP report): UDP sessions expire without it. */
	heardAt: number;
	readonly #destination: RtpDestination;
	readonly #clock: Clock;
	readonly #cname: Buffer;
	readonly #timeOffset = randomBytes(4).readUInt32BE(0); // RFC 3550 5.1: a random start
	#packets = 0;
	#octets = 0;
	#last: RtpFrame | undefined;
	#reports: Cancel | undefined;
	#datagramsInFlight = 0;
	readonly #onDrain = () => this.slot.drained();
	readonly #totals: StreamTotals;

	constructor(destination: RtpDestination, clock: Clock, cname: string, totals: StreamTotals) {
		this.#destination = destination;
		this.#totals = totals;
		this.#clock = clock;
		this.#cname = Buffer.from(cname.slice(0, 255), "latin1");
		this.heardAt = clock.now();
		this.slot = new LatestWins<RtpFrame>({ write: (frame) => this.#write(frame) });
		if (destination.transport.kind === "tcp") destination.socket.on("drain", this.#onDrain);
	}

	/** The RTP timestamp of a capture time: 90 kHz from a random origin. */
	timestamp(captureTime: number): number {
		return (this.#timeOffset + Math.round(captureTime * (CLOCK_RATE / 1000))) >>> 0;
	}

	get transport(): Transport {
		return this.#destination.transport;
	}

	/** Starts (PLAY): frames offered from now on are sent, and sender reports follow. */
	play(): void {
		this.#reports ??= this.#clock.every(SENDER_REPORT_MS, () => this.#report());
	}

	get playing(): boolean {
		return this.#reports !== undefined;
	}

	/**
	 * Stops sending (PAUSE); a frame waiting in the slot is forgotten. The slot still hears its drain, so
	 * a frame still flushing when it paused does not hold it after the next PLAY.
	 */
	pause(): void {
		this.#reports?.();
		this.#reports = undefined;
		this.slot.clear();
	}

	/** The session ended (TEARDOWN, expiry, or the client left). */
	close(): void {
		this.pause();
		this.#destination.socket.off("drain", this.#onDrain);
	}

	/** Sends `frame` now, or keeps it for when the last one has gone (while playing). */
	offer(frame: RtpFrame): void {
		if (this.playing && this.slot.offer(frame)) this.#totals.skipped++;
	}

	#write(frame: RtpFrame): boolean {
		const { payloads } = frame.packets;
		const timestamp = this.timestamp(frame.captureTime);
		const tcp = this.#destination.transport.kind === "tcp";
		const prefix = tcp ? 4 : 0; // '$', channel, length
		const heads = Buffer.allocUnsafe((prefix + 12) * payloads.length);
		const chunks: Buffer[][] = payloads.map((payload, n) => {
			const head = heads.subarray(n * (prefix + 12), (n + 1) * (prefix + 12));
			if (tcp) {
				head[0] = 0x24;
				head[1] = (this.transport as { channels: readonly number[] }).channels[0];
				head.writeUInt16BE(12 + payload.length, 2);
			}
			head[prefix] = 0x80; // version 2, no padding, extension or CSRC
			head[prefix + 1] = JPEG_PAYLOAD_TYPE | (n === payloads.length - 1 ? 0x80 : 0); // the marker: the frame's last packet
			head.writeUInt16BE(this.nextSeq, prefix + 2);
			head.writeUInt32BE(timestamp, prefix + 4);
			head.writeUInt32BE(this.ssrc, prefix + 8);
			this.nextSeq = (this.nextSeq + 1) & 0xffff;
			return [head, payload];
		});
		this.#totals.sent++;
		this.#packets += payloads.length;
		this.#octets += frame.packets.bytes;
		this.#last = frame;
		return tcp ? this.#writeInterleaved(chunks) : this.#sendDatagrams(chunks);
	}

	#writeInterleaved(chunks: Buffer[][]): boolean {
		const { socket } = this.#destination;
		if (socket.destroyed) return true;
		socket.cork(); // one writev for the frame; the payloads are not copied
		let ready = true;
		for (const [head, payload] of chunks) {
			socket.write(head);
			ready = socket.write(payload);
		}
		socket.uncork();
		return ready;
	}

	/** The frame's datagrams; the slot waits until the system has taken the last of them. */
	#sendDatagrams(chunks: Buffer[][]): boolean {
		const { udp, transport } = this.#destination;
		if (!udp || transport.kind !== "udp") return true;
		this.#datagramsInFlight += chunks.length;
		const sent = () => {
			if (--this.#datagramsInFlight === 0) this.slot.drained();
		};
		for (const chunk of chunks) udp.rtp.send(chunk, transport.clientPorts[0], udp.address, sent);
		return false;
	}

	/** An RTCP sender report with the CNAME (RFC 3550 6.4.1, 6.5.1), for the last frame sent. */
	#report(): void {
		const last = this.#last;
		if (last === undefined) return;
		const report = Buffer.alloc(28);
		report[0] = 0x80;
		report[1] = 200; // SR
		report.writeUInt16BE(6, 2); // length in 32-bit words, minus one
		report.writeUInt32BE(this.ssrc, 4);
		const seconds = Math.floor(last.captureTime / 1000);
		report.writeUInt32BE((seconds + NTP_EPOCH_OFFSET) >>> 0, 8);
		report.writeUInt32BE(Math.floor(((last.captureTime % 1000) / 1000) * 2 ** 32) >>> 0, 12);
		report.writeUInt32BE(this.timestamp(last.captureTime), 16);
		report.writeUInt32BE(this.#packets >>> 0, 20);
		report.writeUInt32BE(this.#octets >>> 0, 24);
		const itemsLength = 2 + this.#cname.length + 1; // CNAME item, then END
		const sdesLength = 4 + 4 + Math.ceil(itemsLength / 4) * 4;
		const sdes = Buffer.alloc(sdesLength);
		sdes[0] = 0x81; // one chunk
		sdes[1] = 202; // SDES
		sdes.writeUInt16BE(sdesLength / 4 - 1, 2);
		sdes.writeUInt32BE(this.ssrc, 4);
		sdes[8] = 1; // CNAME
		sdes[9] = this.#cname.length;
		this.#cname.copy(sdes, 10);
		const compound = Buffer.concat([report, sdes]);
		const { transport, socket, udp } = this.#destination;
		if (transport.kind === "tcp") {
			if (socket.destroyed) return;
			const head = Buffer.of(0x24, transport.channels[1], compound.length >> 8, compound.length & 0xff);
			socket.write(Buffer.concat([head, compound])); // small; it may wait behind a frame in the buffer
		}
		else udp?.rtcp.send(compound, transport.clientPorts[1], udp.address);
	}
}
