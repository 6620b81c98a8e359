// The baseline of the ingest benchmark: a TCP server that only counts the bytes it reads, alone in a
// process forked by the run (ingest.ts). It reads the way the receiver does, into one reused buffer
// (server/ingest/read-buffer.ts), so the two differ only in what the receiver does with the bytes.
// Over the IPC channel it sends its port once listening, then answers "measure" and "report"
// (measured-process.ts).

import { createServer, type AddressInfo, type Socket } from "node:net";
import { ReadBuffer } from "../../server/ingest/read-buffer";
import { answerMeasures, type ProcessReport } from "./measured-process";

export interface SinkStarted {
	port: number;
}

export interface SinkReport extends ProcessReport {
	/** Bytes read from all connections since "measure". */
	bytes: number;
}

const reads = new ReadBuffer();
const sockets = new Set<Socket>();
let bytes = 0;
const server = createServer({ pauseOnConnect: true }, (accepted) => {
	const socket = reads.adopt(accepted, (read) => void (bytes += read.byteLength));
	sockets.add(socket);
	socket.on("error", () => socket.destroy());
	socket.on("close", () => sockets.delete(socket));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.send!({ port: (server.address() as AddressInfo).port } satisfies SinkStarted);

answerMeasures(() => { bytes = 0; }, () => ({ bytes }), async () => {
	for (const socket of sockets) socket.destroy();
	await new Promise((resolve) => server.close(resolve));
});
