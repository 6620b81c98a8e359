// The baseline of the fan-out benchmark: an MJPEG relay written the way one-client or unbounded MJPEG
// servers usually are, with node:http and res.write() of every frame to every viewer, ignoring what
// write() returns: no backpressure, no dropping, no stall timeout. A viewer that stops reading makes its
// response buffer everything sent to it from then on.
// It takes frames exactly as the xscam receiver does (the shared protocol decoder, a hello answered with
// a welcome, one copy of each JPEG), so that the fan-out is the only difference between the two.

import { createServer as createHttpServer, type ServerResponse } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server } from "node:net";
import { DEFAULT_MAX_BODY_BYTES } from "../../src/protocol/constants";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import type { DeviceMessage } from "../../src/protocol/types";

const BOUNDARY = "naiveframe";
const PART_END = Buffer.from("\r\n--" + BOUNDARY + "\r\n");

export class NaiveRelay {
	readonly viewers = new Set<ServerResponse>();
	readonly #ingest = createTcpServer((socket) => {
		const decoder = new Decoder<DeviceMessage>({
			from: "device", maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
			onMessage: (message) => {
				if (message.type === "hello") socket.write(encode({ type: "welcome", serverTime: Date.now(), pingInterval: 60_000, maxBodyBytes: DEFAULT_MAX_BODY_BYTES }));
				else if (message.type === "frame") this.#publish(Buffer.from(message.jpeg)); // the decoder's view dies when this returns
			},
		});
		socket.on("data", (chunk) => decoder.push(chunk));
		socket.on("error", () => socket.destroy());
	});
	readonly #http = createHttpServer((_request, response) => {
		response.writeHead(200, { "Content-Type": "multipart/x-mixed-replace;boundary=" + BOUNDARY, "Cache-Control": "no-cache" });
		response.write("--" + BOUNDARY + "\r\n");
		this.viewers.add(response);
		response.on("close", () => this.viewers.delete(response));
	});

	/** Listens on loopback, any free ports. */
	async start(): Promise<{ ingestPort: number; httpPort: number }> {
		return { ingestPort: await listen(this.#ingest), httpPort: await listen(this.#http) };
	}

	close(): Promise<void> {
		for (const viewer of this.viewers) viewer.destroy();
		this.#ingest.close();
		this.#http.closeAllConnections();
		return new Promise((resolve) => this.#http.close(() => resolve()));
	}

	#publish(jpeg: Buffer): void {
		const head = "Content-Type: image/jpeg\r\nContent-Length: " + jpeg.byteLength + "\r\n\r\n";
		for (const viewer of this.viewers) {
			viewer.write(head);
			viewer.write(jpeg);
			viewer.write(PART_END);
		}
	}
}

function listen(server: Server): Promise<number> {
	return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
}
