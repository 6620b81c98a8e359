// How many cameras the receiver keeps state for when --max-cameras is not given: as many as the frames
// they may hold fit in half of the machine's memory (or of the container's limit, when smaller). The
// rest is for everything else: the heap, the kernel's socket buffers, the system. A frame is at most
// --max-body-bytes, and a camera holds a few at a time (FRAMES_HELD), more when it is recorded.

import { totalmem } from "node:os";
import { QUEUE_FRAMES } from "../record/recorder";

/**
 * The frames a streaming camera holds at once: the one its connection is assembling (or keeps, spare,
 * for the next: ingest/frame-intake.ts), its latest, and the two a viewer may still hold (one in its
 * socket's buffer, one in its slot: viewers/latest-wins.ts).
 * Viewers that lag by different amounts hold older ones too, for at most the stall timeout.
 */
export const FRAMES_HELD = 4;

/** The --max-cameras range. */
export const MAX_CAMERAS = 10_000;

/** The bytes the cameras' frames may take: half of the memory the process can have. */
export function memoryForFrames(): number {
	const limit = process.constrainedMemory() ?? 0; // the cgroup's limit; none is 2^64, or 0 (undefined before Node 22)
	return Math.min(totalmem(), limit > 0 ? limit : Infinity) / 2;
}

/** What one camera may hold: `maxBodyBytes` per frame, its FRAMES_HELD, and the recorder's queue when it is recorded. */
export function cameraBudget(maxBodyBytes: number, recorded: boolean): number {
	return maxBodyBytes * (FRAMES_HELD + (recorded ? QUEUE_FRAMES : 0));
}

/** How many cameras of `cameraBudget()` fit in `memory` bytes, from 1 to MAX_CAMERAS. */
export function camerasInMemory(memory: number, budget: number): number {
	return Math.max(1, Math.min(MAX_CAMERAS, Math.floor(memory / budget)));
}
