// A connection's frames as datagrams (protocol/datagram.ts), once the receiver offered a datagram port:
// each frame goes at once, whole, in as many datagrams as its size takes, at the pace the receiver's
// reports allow (datagram-pace.ts). Nothing is retransmitted: a newer frame is worth more. The socket is
// the SDK's embedded:io/socket/udp, which copies each datagram into an lwIP buffer before write returns,
// so one reused buffer serves every datagram.

import { DATAGRAM_MAX_BYTES } from "../protocol/constants";
import { FrameDatagrams, type Mac } from "../protocol/datagram";
import type { DatagramReport, Datagrams } from "../protocol/types";
import { DatagramPace } from "./datagram-pace";

/** How the SDK's UDP says a datagram was not sent (reference/moddable-sdk.md, 2.2): "UDP send failed" on the ESP32, "sendto failed" on lin. */
const SEND_FAILED = /^(UDP send failed|sendto failed)$/;

/** What the session needs of embedded:io/socket/udp. */
export interface DatagramSocket {
	write(buffer: Uint8Array, address: string, port: number): void;
	close(): void;
}

/** How the device opens its datagram socket and signs under a key (HMAC-SHA256); absent: frames stay on the connection. */
export interface DatagramIO {
	open(): DatagramSocket;
	mac(key: Uint8Array): Mac;
}

export class DatagramSender {
	readonly #socket: DatagramSocket;
	readonly #address: string;
	readonly #port: number;
	readonly #framer: FrameDatagrams;
	readonly #pace: DatagramPace;

	/**
	 * To `address` (the receiver's, as the connection reached it), as `offer` says, no datagram longer
	 * than the device sends (DATAGRAM_MAX_BYTES), signed under `key`; `now` is the device clock.
	 */
	constructor(io: DatagramIO, address: string, offer: Datagrams, key: Uint8Array, now: number) {
		this.#framer = new FrameDatagrams(offer.channel, Math.min(offer.datagramBytes, DATAGRAM_MAX_BYTES), io.mac(key));
		this.#pace = new DatagramPace(now);
		this.#address = address;
		this.#port = offer.port;
		this.#socket = io.open(); // last: nothing to close should the others throw
	}

	get pacedRate(): number {
		return this.#pace.rate;
	}

	/** Whether a frame captured at `time` may go now (if so, it is counted as gone). */
	due(time: number): boolean {
		return this.#pace.take(time);
	}

	/**
	 * Sends one frame: its 16 body fields and its JPEG. False when the socket refused a datagram (lwIP had
	 * no buffer or no route): the frame is lost, the next may go. Any other error is a bug, thrown on.
	 */
	send(fields: Uint8Array, jpeg: ArrayBuffer | Uint8Array): boolean {
		const count = this.#framer.count(jpeg.byteLength);
		try {
			for (let index = 0; index < count; index++)
				this.#socket.write(this.#framer.datagram(fields, jpeg, index), this.#address, this.#port);
		}
		catch (error) {
			if (SEND_FAILED.test((error as Error).message)) return false;
			throw error;
		}
		return true;
	}

	report(report: DatagramReport, now: number): void {
		this.#pace.report(report, now);
	}

	close(): void {
		this.#socket.close();
	}
}
