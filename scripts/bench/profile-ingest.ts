// A CPU profile of the receiver taking frames from the ingest benchmark's load (docs/performance.md,
// benchmark 4): `node --import tsx scripts/bench/profile-ingest.ts [cameras] [fps] [recording dir]`; with
// fps, each camera sends at that rate (paced-cameras.ts, benchmark 8), else as fast as it can
// (frame-flood.ts); with a recording dir, every camera is recorded there (a tmpfs such as /dev/shm keeps
// the disk out of it).
// The receiver runs in this process and the load in one of its own, as in the benchmarks; after a warm-up
// the V8 profiler samples a window of the receiver alone (not its start), writes the profile to
// build/profile/ (open it in Chrome's DevTools) and prints the functions with the most self time.

import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { benchReceiver } from "./bench-receiver";
import { topSelfTime } from "./cpu-profile";
import { forkScript, nextMessage } from "./forked";
import { JPEG_BYTES, WARM_UP_MS } from "./ingest";

const PROFILE_MS = 5000;
const ROWS = 20;
const OUT = "build/profile";

const cameras = Number(process.argv[2] ?? "1");
const fps = process.argv[3];
const recordingDir = process.argv[4];
const receiver = benchReceiver(recordingDir === undefined ? {} : { record: true, recordingDir });
const { ingestPort } = await receiver.start();
const loadArgs = [String(ingestPort), String(cameras), "hello", String(JPEG_BYTES)];
const load = fps === undefined
	? forkScript(fileURLToPath(new URL("frame-flood.ts", import.meta.url)), loadArgs)
	: forkScript(fileURLToPath(new URL("paced-cameras.ts", import.meta.url)), [...loadArgs, fps]);
await nextMessage<"flooding" | "pacing">(load);
await sleep(WARM_UP_MS);

const framesTaken = () => receiver.list().reduce((sum, camera) => sum + camera.frames.received, 0);
const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.start");
const framesFrom = framesTaken();
await sleep(PROFILE_MS);
const { profile } = await session.post("Profiler.stop");
const frames = framesTaken() - framesFrom;
session.disconnect();
load.disconnect();
await once(load, "exit");
await receiver.close();

mkdirSync(OUT, { recursive: true });
const file = OUT + "/ingest-" + cameras + (fps === undefined ? "" : "-at-" + fps + "fps") + ".cpuprofile";
writeFileSync(file, JSON.stringify(profile));
process.stdout.write("Receiver, " + cameras + " camera(s)" + (fps === undefined ? "" : " at " + fps + " fps") + (recordingDir === undefined ? "" : ", recorded") + ", " + frames + " frames of " + JPEG_BYTES + " bytes in " + PROFILE_MS + " ms; profile " + file + "\n\n" + topSelfTime(profile, ROWS));
