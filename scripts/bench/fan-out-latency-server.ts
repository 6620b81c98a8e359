// The server of one fan-out latency run (fan-out-latency-run.ts forks it): the real receiver, alone in
// its process, that notes when each frame was published on its frame bus and when the publishing
// returned. `xscam`: its MJPEG fan-out serves the viewers. `raw` (the baseline): the same receiver takes
// the frames, but on each frame, the moment it is published, a bare loop writes one buffer holding the
// frame's whole MJPEG part to every viewer's socket, then lets the publishing go on (to a fan-out with no
// viewers, which returns at once): the least one thread can do to get those bytes into those sockets,
// with nothing of the fan-out's (no slots, no backpressure, no stall watch). The viewers connect to its
// own port and get the same bytes the receiver sends: a response head, then the same parts.
// Over the IPC channel it sends its ports and its clock's offset once started, then answers "measure"
// and "report" (measured-process.ts) with every frame's publication.

import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import type { ReceivedFrame } from "../../server/cameras/camera";
import { FrameBus } from "../../server/cameras/frame-bus";
import { MJPEG_CONTENT_TYPE } from "../../server/http/fan-out";
import { benchReceiver } from "./bench-receiver";
import { topSelfTime } from "./cpu-profile";
import { answerMeasures, type ProcessReport } from "./measured-process";
import { sharedClockOffset } from "./shared-clock";
import { stampOf } from "./stamped-camera";

export type LatencyServerKind = "xscam" | "raw";

export interface LatencyServerStarted {
	ingestPort: number;
	/** Where the viewers connect, and what they ask for. */
	viewerPort: number;
	viewerPath: string;
	/** What to add to this process's performance.now() to read the machine's clock (shared-clock.ts). */
	clockOffset: number;
}

/** A frame on the bus: its camera stamp (its key), when it was published and when the publishing returned, on this process's clock. */
export interface Publication {
	stamp: number;
	at: number;
	returnedAt: number;
}

export interface LatencyServerReport extends ProcessReport {
	publications: Publication[];
}

const [kind, profiled] = [process.argv[2], process.argv[3] === "--profile"];
if (kind !== "xscam" && kind !== "raw") throw new Error("usage: fan-out-latency-server.ts xscam|raw [--profile]");

const BOUNDARY = "xscamframe"; // the receiver's (fan-out.ts): the viewers read the same bytes from both
const RAW_HEAD = Buffer.from("HTTP/1.0 200 OK\r\nContent-Type: " + MJPEG_CONTENT_TYPE + "\r\n\r\n--" + BOUNDARY + "\r\n");
const PART_END = Buffer.from("\r\n--" + BOUNDARY + "\r\n");
const rawViewers = new Set<Socket>();

function rawPart(frame: ReceivedFrame): Buffer {
	const head = Buffer.from("Content-Type: image/jpeg\r\nContent-Length: " + frame.jpeg.byteLength + "\r\n\r\n", "latin1");
	return Buffer.concat([head, frame.jpeg, PART_END]);
}

const publications: Publication[] = [];
const publish = FrameBus.prototype.publish; // measured from outside: the receiver's code is unchanged
FrameBus.prototype.publish = function (this: FrameBus, camera, frame) {
	const at = performance.now();
	if (kind === "raw") {
		const part = rawPart(frame);
		for (const socket of rawViewers) socket.write(part);
	}
	publish.call(this, camera, frame);
	publications.push({ stamp: stampOf(frame.jpeg), at, returnedAt: performance.now() });
};

const receiver = benchReceiver({ maxHttpConnections: 4096 });
const ports = await receiver.start();
const raw = createServer((socket) => {
	socket.setNoDelay(true);
	socket.on("error", () => socket.destroy());
	socket.once("data", () => { // the request: whatever it asks, it gets the stream
		socket.write(RAW_HEAD);
		rawViewers.add(socket);
	});
	socket.on("close", () => rawViewers.delete(socket));
});
await new Promise<void>((resolve) => raw.listen({ port: 0, host: "127.0.0.1", backlog: 4096 }, resolve));

process.send!({
	ingestPort: ports.ingestPort,
	viewerPort: kind === "raw" ? (raw.address() as AddressInfo).port : ports.httpPort,
	viewerPath: "/cameras/bench/stream.mjpeg",
	clockOffset: sharedClockOffset(),
} satisfies LatencyServerStarted);

/** With --profile, the V8 profiler samples the window: the profile goes to build/profile/, its top functions to stderr. */
const session = new Session();
const PROFILE_OUT = "build/profile";
async function startProfile(): Promise<void> {
	session.connect();
	await session.post("Profiler.enable");
	await session.post("Profiler.start");
}
async function stopProfile(): Promise<void> {
	const { profile } = await session.post("Profiler.stop");
	session.disconnect();
	mkdirSync(PROFILE_OUT, { recursive: true });
	const file = PROFILE_OUT + "/fan-out-" + kind + ".cpuprofile";
	writeFileSync(file, JSON.stringify(profile));
	process.stderr.write("fan-out server (" + kind + "), profile " + file + "\n\n" + topSelfTime(profile, 25));
}

answerMeasures(() => void (profiled && startProfile()), () => ({ publications }), async () => {
	if (profiled) await stopProfile();
	for (const socket of rawViewers) socket.destroy();
	raw.close();
	await receiver.close();
});
