// Every frame a camera sends, to whoever takes frames (the viewers' fan-out, the recorder): the one
// place ingest hands frames to, in the order they subscribed. A subscriber must not block: it takes the
// frame (shared, immutable) and returns.

import type { Cancel } from "../clock";
import type { Camera, ReceivedFrame } from "./camera";

export type FrameHook = (camera: Camera, frame: ReceivedFrame) => void;

export class FrameBus {
	readonly #hooks = new Set<FrameHook>();

	publish(camera: Camera, frame: ReceivedFrame): void {
		for (const hook of this.#hooks) hook(camera, frame);
	}

	subscribe(hook: FrameHook): Cancel {
		this.#hooks.add(hook);
		return () => this.#hooks.delete(hook);
	}
}
