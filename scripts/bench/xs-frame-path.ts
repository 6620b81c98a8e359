// Benchmark 1: what one frame costs the firmware in the XS engine, in computrons, for the unchanged
// firmware (src/main.ts) and for a baseline that copies each frame in JS (copying-firmware.ts). Both run
// on the XS tier's rig (hosttest/xs/camera-rig.ts): one crank of the virtual clock is one captured frame,
// sent whole to an in-process receiver on the shared decoder. The send buffer holds a whole frame, so
// both write a frame in the same two pieces (header, JPEG) and the copy is the only difference.
// Computrons are XS's exact count of bytecodes and metered library work: the same in every run on every
// machine, so one run per firmware and size is enough, and the two can run at once.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { bootRig, crankUntil, FRAME_INTERVAL, RECEIVER } from "../../hosttest/xs/camera-rig";
import { DecoderReceiver } from "../../hosttest/xs/decoder-receiver";

const BASELINE_ENTRY = fileURLToPath(new URL("copying-firmware.ts", import.meta.url));
const BUILD_XS = fileURLToPath(new URL("../build-xs.mjs", import.meta.url));
export const FRAME_KB = [10, 30, 100];
/** Larger than a 100 KB frame and its header: each frame goes out in exactly two writes. */
export const SEND_BUFFER = 128 * 1024;
const CRANKS = 100; // 5 s of the virtual clock: 100 frames, plus the firmware's stats, watchdog and a ping

export interface FrameCost {
	/** Bytes of each JPEG the receiver got. */
	jpegBytes: number;
	/** Computrons of a crank that moves one frame and nothing else (the commonest crank). */
	perFrame: number;
}

export interface FrameCostRow {
	kb: number;
	xscam: FrameCost;
	baseline: FrameCost;
}

async function frameCost(frameBytes: number, entry?: string): Promise<FrameCost> {
	let jpegBytes = 0;
	const receiver = new DecoderReceiver({ ...RECEIVER, onFrame: (frame) => void (jpegBytes = frame.jpeg.byteLength) });
	const { device } = await bootRig({ network: receiver, frameBytes, remember: false, tcpSendBuffer: SEND_BUFFER, entry });
	try {
		await crankUntil(device, () => receiver.frameCount > 0, 100);
		const costs: number[] = [];
		for (let crank = 0; crank < CRANKS; crank++) {
			const frames = receiver.frameCount;
			costs.push((await device.advance(FRAME_INTERVAL)).compute);
			// Otherwise the crank's cost is not one frame's, and the comparison means nothing.
			if (receiver.frameCount !== frames + 1) throw new Error("bench: crank " + crank + " did not send exactly one frame");
		}
		return { jpegBytes, perFrame: mode(costs) };
	}
	finally {
		const stderr = await device.close();
		if (stderr) process.stderr.write(stderr);
	}
}

/** The value most cranks have. */
function mode(values: number[]): number {
	const counts = new Map<number, number>();
	for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
	return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

export async function benchXsFramePath(): Promise<FrameCostRow[]> {
	execFileSync(process.execPath, [BUILD_XS], { stdio: "inherit" }); // a no-op once build/xs/xsnap-worker is current
	const rows: FrameCostRow[] = [];
	for (const kb of FRAME_KB) {
		const [xscam, baseline] = await Promise.all([frameCost(kb * 1024), frameCost(kb * 1024, BASELINE_ENTRY)]);
		rows.push({ kb, xscam, baseline });
	}
	return rows;
}
