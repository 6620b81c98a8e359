// A frame on NATS: the JPEG as the payload, untouched, and its numbers in one header, so the holder
// sends the bytes ingest received and nothing is copied to frame them. What arrives is checked before
// it becomes a frame: a malformed message is dropped, never a crash.

import { headers } from "@nats-io/transport-node";
import type { MsgHdrs } from "@nats-io/transport-node";
import type { ReceivedFrame } from "../cameras/camera";

/** seq, capture time, arrival at the holder, the holder's latency ("-": not believable), width, height. */
export const FRAME_HEADER = "Xscam-Frame";

export function frameHeaders(frame: ReceivedFrame): MsgHdrs {
	const h = headers();
	h.set(FRAME_HEADER, [frame.seq, frame.captureTime, frame.receivedAt, frame.latencyMs ?? "-", frame.width, frame.height].join(" "));
	return h;
}

const NUMBER = /^-?[0-9]{1,16}$/;

/**
 * The frame a message carries, as received here at `now`: its latency is the holder's plus the hop
 * (measured on this receiver's clock against the holder's arrival time; a hop the clocks make negative
 * counts as none). Throws a RangeError naming what is wrong.
 */
export function frameOf(data: Uint8Array, header: string | undefined, now: number): ReceivedFrame {
	const fields = header?.split(" ");
	if (fields === undefined || fields.length !== 6) throw new RangeError("no " + FRAME_HEADER + " header of 6 fields");
	const [seq, captureTime, heldAt, latency, width, height] = fields.map((field, n) => {
		if (n === 3 && field === "-") return undefined;
		if (!NUMBER.test(field)) throw new RangeError(FRAME_HEADER + " field " + n + " is not a number: " + JSON.stringify(field));
		return Number(field);
	});
	if (data.byteLength < 2 || data[0] !== 0xff || data[1] !== 0xd8) throw new RangeError("the payload is not a JPEG");
	const hop = Math.max(0, now - heldAt!);
	return {
		jpeg: Buffer.from(data.buffer, data.byteOffset, data.byteLength), // a view of what the NATS client read
		seq: seq!, captureTime: captureTime!, receivedAt: now, latencyMs: latency === undefined ? undefined : latency + hop, width: width!, height: height!,
	};
}
