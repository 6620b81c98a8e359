// The camera of the fan-out latency benchmark in a process of its own (fan-out-latency-run.ts forks it):
// `stamped-camera-process.ts <ingest port> <fps> <frame bytes>`. A thousand viewers keep their process
// busy, and a camera there would fall behind its cadence on its own account; here its rate is the
// receiver's to keep or lose. It stamps its frames on the machine's clock (shared-clock.ts), so that
// the other processes can read their age. Over the IPC channel it says "streaming", then answers
// "measure" and "report" (measured-process.ts) with the frames it wrote and skipped since "measure".

import { answerMeasures, type ProcessReport } from "./measured-process";
import { sharedClockOffset } from "./shared-clock";
import { fillerJpegs, StampedCamera } from "./stamped-camera";

export interface CameraReport extends ProcessReport {
	sent: number;
	skipped: number;
}

const [port, fps, frameBytes] = process.argv.slice(2).map(Number);
if (!(port > 0 && fps > 0 && frameBytes > 0)) throw new Error("usage: stamped-camera-process.ts <ingest port> <fps> <frame bytes>");
const offset = sharedClockOffset();
const filler = fillerJpegs(frameBytes);
const camera = await StampedCamera.online(port, "bench");
camera.start(fps, (time) => filler(time + offset));
process.send!("streaming");

let [sentFrom, skippedFrom] = [0, 0];
answerMeasures(() => void ([sentFrom, skippedFrom] = [camera.sent, camera.skipped]),
	() => ({ sent: camera.sent - sentFrom, skipped: camera.skipped - skippedFrom }), async () => camera.close());
