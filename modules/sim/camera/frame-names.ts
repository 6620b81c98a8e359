// The frames the lin simulator's camera cycles through: Moddable resources built from
// modules/sim/camera/frames/ (scripts/make-sim-frames.ts renders them).

export const FRAME_COUNT = 8;
export const FRAME_SIZE: readonly [number, number] = [320, 240];

export function frameName(n: number): string {
	return "xscam-sim-" + n + ".jpg";
}
