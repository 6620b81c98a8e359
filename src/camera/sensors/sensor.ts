// What a camera's sensor offers, described once per sensor (one file each beside this one): the frame
// sizes it captures and the settings the SDK camera's configure() changes on it, each with the range the
// driver takes. The firmware checks every control against it, and announces it to the receiver in its
// capabilities message, so the receiver offers exactly this (docs/protocol.md, "capabilities").
//
// The description is the firmware's own, never read from the camera: reading the SDK camera's
// `configuration` (or calling configure()) probes the sensor, and on the OV2640 that probe switches
// automatic white balance off (docs/hardware.md). So nothing touches the sensor until a viewer asks.

import type { RangeControl } from "../../protocol/types";

export interface SensorDescription {
	/** The model as the SDK camera's identification names it, e.g. "OV2640". */
	readonly model: string;
	/** The frame sizes it offers (camera/frame-sizes.ts names), smallest first. */
	readonly frameSizes: readonly string[];
	/** What configure() changes on it, with the driver's ranges; configure() ignores others silently. */
	readonly settings: readonly RangeControl[];
}

/** A setting the driver takes as whole levels from `min` to `max` (brightness, contrast, …). */
export function level(key: string, label: string, min: number, max: number): RangeControl {
	return { key, label, kind: "integer", min, max, step: 1, applies: "now" };
}

/** esp32-camera's set_wb_mode() modes, the same on every OmniVision sensor it drives: 0 automatic, then four presets. */
export const WHITE_BALANCE: RangeControl = {
	key: "whiteBalance", label: "white balance", kind: "integer", min: 0, max: 4, step: 1,
	names: ["auto", "sunny", "cloudy", "office", "home"], applies: "now",
};
