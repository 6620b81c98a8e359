// 10,000 frames through the firmware in XS: the live slot count after a full garbage collection is the
// same at frame 1 as at frame 10,000 (a leak of even one object per frame would add 10,000 slots), and
// the camera got every frame back exactly once. The counts are exact: the clock is virtual, every crank
// is one frame, and the receiver is in-process (decoder-receiver.ts), so each run is the same.

import { afterEach, expect, it } from "vitest";
import { frameNumberOf } from "../host/marked-jpeg";
import { bootRig, crankUntil, FRAME_INTERVAL, RECEIVER } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";
import type { XsDevice } from "./xs-device";

const FRAMES = 10_000;
const SAMPLE = 1000; // frames between two slot counts

let device: XsDevice | undefined;

afterEach(async () => {
	const stderr = await device?.close();
	device = undefined;
	expect(stderr ?? "").toBe("");
});

it("sends 10,000 frames with no growth of live slots, closing every frame once", async () => {
	let last = 0;
	let skipped = 0;
	const receiver = new DecoderReceiver({
		...RECEIVER,
		onFrame: (frame) => {
			const number = frameNumberOf(frame.jpeg);
			if (last && number !== last + 1) skipped++;
			last = number;
		},
	});
	device = (await bootRig({ network: receiver, frameSize: "QQVGA", frameBytes: 2000, remember: false })).device;
	await crankUntil(device, () => receiver.frameCount > 0, 100);

	const slots = [await device.slotsAfterGc()]; // at frame 1
	for (let sent = 0; sent < FRAMES; sent += SAMPLE) {
		await device.run(SAMPLE * FRAME_INTERVAL, FRAME_INTERVAL);
		slots.push(await device.slotsAfterGc());
	}
	process.stderr.write("xs soak: live slots after gc() every " + SAMPLE + " frames: " + slots.join(" ") + "\n");

	expect(receiver.frameCount).toBe(FRAMES + 1);
	expect(skipped).toBe(0);
	expect(slots).toEqual(slots.map(() => slots[0]));
	const { cameraCounts } = await device.report();
	expect(cameraCounts.read).toBe(cameraCounts.closed);
	expect(cameraCounts).toMatchObject({ closedTwice: 0, written: 0, poolFull: 0 });
	expect(cameraCounts.captured).toBe(cameraCounts.read);
});
