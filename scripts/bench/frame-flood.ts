// The load of the ingest benchmark, alone in a process forked by its run (ingest.ts):
// `frame-flood.ts <port> <cameras> hello|raw <JPEG bytes>`. Each camera is one TCP connection
// (load-connections.ts) that sends frames of docs/protocol.md (a 24-byte header, then a JPEG-shaped
// payload) as fast as its socket drains. A connection keeps two batches of
// frames, each written whole and, once the kernel has taken it, stamped again (sequence number, capture
// time) and written anew: the load allocates nothing per frame and never waits on itself. Over the IPC
// channel it sends "flooding" once every connection sends, then answers "measure" and "report"
// (measured-process.ts).

import type { Socket } from "node:net";
import { FRAME_HEADER_BYTES } from "../../src/protocol/constants";
import { FrameHeaderEncoder } from "../../src/protocol/encoder";
import { HEIGHT, WIDTH } from "./bench-hello";
import { openConnections } from "./load-connections";
import { answerMeasures, type ProcessReport } from "./measured-process";
import { fillerJpegs } from "./stamped-camera";

export interface FloodReport extends ProcessReport {
	/** Bytes the kernel took from all connections since "measure". */
	bytes: number;
	/** Connections the other side closed before the report: the receiver refused something. */
	closedByPeer: number;
}

/** Frames per write: big writes, as a busy camera's socket would see once the receiver falls behind. */
const FRAMES_PER_BATCH = 4;

class FloodCamera {
	readonly #header = new FrameHeaderEncoder();
	readonly #jpegBytes: number;
	#seq = 0;

	constructor(socket: Socket, jpegBytes: number, onWritten: (bytes: number) => void) {
		this.#jpegBytes = jpegBytes;
		const jpeg = fillerJpegs(jpegBytes)(0);
		const frameBytes = FRAME_HEADER_BYTES + jpegBytes;
		for (let batches = 0; batches < 2; batches++) {
			const batch = Buffer.allocUnsafe(FRAMES_PER_BATCH * frameBytes);
			for (let i = 0; i < FRAMES_PER_BATCH; i++) batch.set(jpeg, i * frameBytes + FRAME_HEADER_BYTES);
			const send = () => {
				this.#stamp(batch, frameBytes);
				socket.write(batch, (error) => {
					if (error !== undefined && error !== null) return;
					onWritten(batch.byteLength);
					setImmediate(send); // not at once: a write that completes at once calls back in the same tick, and would starve the IPC channel
				});
			};
			send();
		}
	}

	#stamp(batch: Buffer, frameBytes: number): void {
		const now = Date.now();
		for (let offset = 0; offset < batch.byteLength; offset += frameBytes)
			batch.set(this.#header.encode(this.#seq++ >>> 0, now, WIDTH, HEIGHT, this.#jpegBytes), offset);
	}
}

const [port, count, mode, jpegBytes] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], Number(process.argv[5])];
if (!(port > 0) || !(count >= 1) || (mode !== "hello" && mode !== "raw") || !(jpegBytes >= 4))
	throw new Error("usage: frame-flood.ts <port> <cameras> hello|raw <JPEG bytes>");
const connections = await openConnections(port, count, mode, "flood-");
let bytes = 0;
for (const socket of connections.sockets) new FloodCamera(socket, jpegBytes, (written) => void (bytes += written));
process.send!("flooding");

answerMeasures(() => { bytes = 0; }, () => ({ bytes, closedByPeer: connections.closedByPeer() }), async () => connections.stop());
