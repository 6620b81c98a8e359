// The UDP side of ingest (docs/protocol.md, "Frames as datagrams"): one socket for every camera that
// sends its frames as datagrams, each on the channel its connection was given. A datagram is taken only
// on a channel that is open, from the address of that channel's connection, and under the MAC of that
// connection's datagram key; anything else is counted and dropped, and nothing a stranger sends costs
// more than a table lookup before its MAC is checked. The session on the connection stays in charge:
// it opens the channel after the camera proved its key, and closes it with the connection.

import { createHmac, randomInt } from "node:crypto";
import { createSocket, type RemoteInfo } from "node:dgram";
import { isIP } from "node:net";
import { DATAGRAM_MAX_BYTES } from "../../src/protocol/constants";
import { channelOf, readDatagram, type Mac } from "../../src/protocol/datagram";
import { CODECS } from "../../src/protocol/messages";
import type { Frame } from "../../src/protocol/types";
import type { Core, Part } from "../core";
import { listenError } from "../errors";
import { counter, gauge } from "../metrics";
import { FrameReassembly, type ReassemblyCounts } from "./frame-reassembly";

/** One connection's channel: its frames as they complete, and what the reports say. */
export interface DatagramChannel {
	readonly id: number;
	readonly counts: ReassemblyCounts;
	/** Interarrival jitter of whole frames (RFC 3550 6.4.1, on capture times), µs. */
	readonly jitter: number;
	close(): void;
}

/** Each frame, whole: its JPEG is the receiver's to keep. */
export type OnFrame = (frame: Frame) => void;

export interface DatagramChannels {
	/** The UDP port (after start). */
	readonly port: number;
	/** The largest datagram a camera may send. */
	readonly datagramBytes: number;
	/** A channel for frames from `address`, signed under `key` (the connection's datagram key). */
	open(address: string, key: Uint8Array, onFrame: OnFrame): DatagramChannel;
}

export interface DatagramPart extends Part, DatagramChannels {
	start(): Promise<void>;
}

/** RFC 3550's gain: each frame moves the estimate by 1/16 of its difference. */
const JITTER_GAIN = 1 / 16;

class Channel implements DatagramChannel {
	readonly id: number;
	readonly address: string;
	readonly reassembly: FrameReassembly;
	jitterMs = 0;
	readonly #mac: Mac;
	readonly #onFrame: OnFrame;
	readonly #close: () => void;
	#last: { capturedAt: number; at: number } | undefined;

	constructor(id: number, address: string, key: Uint8Array, maxBodyBytes: number, onFrame: OnFrame, close: () => void) {
		this.id = id;
		this.address = address;
		this.reassembly = new FrameReassembly(maxBodyBytes);
		this.#mac = (input) => createHmac("sha256", key).update(input).digest();
		this.#onFrame = onFrame;
		this.#close = close;
	}

	get counts(): ReassemblyCounts {
		return this.reassembly;
	}

	get jitter(): number {
		return Math.round(this.jitterMs * 1000);
	}

	receive(datagram: Buffer, at: number): void {
		let body: Uint8Array | undefined;
		try {
			body = this.reassembly.take(readDatagram(datagram, this.#mac), at);
		}
		catch {
			this.reassembly.rejected++; // XSCAM_ERR_BAD_DATAGRAM: its MAC or its fields
			return;
		}
		if (!body) return;
		let frame: Frame;
		try {
			frame = CODECS.frame.read(body, new DataView(body.buffer, body.byteOffset, body.byteLength));
		}
		catch {
			this.reassembly.rejected++; // a capture time past 2^53
			return;
		}
		if (this.#last) {
			const difference = (at - this.#last.at) - (frame.captureTime - this.#last.capturedAt);
			this.jitterMs += (Math.abs(difference) - this.jitterMs) * JITTER_GAIN;
		}
		this.#last = { capturedAt: frame.captureTime, at };
		this.#onFrame(frame);
	}

	close(): void {
		this.#close();
	}
}

export function registerDatagrams(core: Core, ingestPort: () => number): DatagramPart {
	const { options, registry, clock } = core;
	const channels = new Map<number, Channel>();
	const socket = createSocket(isIP(options.host) === 6 ? "udp6" : "udp4");
	socket.on("error", (error) => core.log.error({ err: error }, "datagram port: " + error.message));
	let strangers = 0; // datagrams on no open channel, or from another address than its connection's
	socket.on("message", (datagram: Buffer, from: RemoteInfo) => {
		const id = channelOf(datagram);
		const channel = id === undefined ? undefined : channels.get(id);
		if (!channel || channel.address !== from.address) strangers++;
		else channel.receive(datagram, clock.now());
	});

	gauge(registry, "xscam_datagram_channels", "Camera connections whose frames come as datagrams", [], (report) => report({}, channels.size));
	counter(registry, "xscam_datagrams_stray_total", "Datagrams dropped before their MAC was checked: not xscam's, on no open channel, or from another address than the channel's connection", [],
		(report) => report({}, strangers));

	return {
		datagramBytes: DATAGRAM_MAX_BYTES,
		get port() {
			return socket.address().port;
		},
		open(address, key, onFrame) {
			let id: number;
			do id = randomInt(1, 2 ** 32 - 1); while (channels.has(id)); // unguessable, so a stray datagram hits none
			const channel = new Channel(id, address.replace(/^::ffff:/, ""), key, options.maxBodyBytes, onFrame, () => void channels.delete(id));
			channels.set(id, channel);
			return channel;
		},
		start() {
			const port = options.datagramPort === "same" ? ingestPort() : options.datagramPort as number;
			return new Promise((resolve, reject) => {
				const failed = (error: Error) => reject(listenError("datagram", port, options.host, error));
				socket.once("error", failed);
				socket.bind(port, options.host, () => {
					socket.off("error", failed);
					resolve();
				});
			});
		},
		close() {
			channels.clear();
			return new Promise((resolve) => socket.close(() => resolve()));
		},
	};
}
