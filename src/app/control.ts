// The settings the device takes from the receiver (docs/protocol.md, "control"), described once: the
// frame-rate cap, the settings of its sensor (camera/sensors/), a frame size for the next start, a
// restart (so that next start can be now), the network moves (network-move.ts), and the flash LED's,
// which camera/flash-led.ts answers itself (with `watched`, which the receiver sends).
// The same list is announced in the capabilities message and checked here, key by key, with the rule
// the receiver applies too (protocol/controls.ts). Every key is answered: applied, pending, or refused
// with the reason, and nothing is ignored silently.

import type { SensorSettings } from "embedded:io/image/in/camera";
import type { Capture } from "../camera/capture";
import type { FlashLed } from "../camera/flash-led";
import { FRAME_RATE_MAX, FRAME_RATE_MIN } from "../camera/frame-pacer";
import type { SensorDescription } from "../camera/sensors/index";
import { rule, settle } from "../protocol/controls";
import type { ControlAnswer, ControlDescription, ControlSettings } from "../protocol/types";
import { isMoveKey, MOVE_CONTROLS, type NetworkMoves } from "./network-move";

/** A one-choice setting, so every receiver that renders settings can offer it as they are. */
const RESTART: ControlDescription = { key: "restart", label: "restart the camera", kind: "choice", choices: ["now"], applies: "now" };

/** What a device with `sensor` announces: the frame-rate cap, the sensor's settings, its frame sizes, a restart, the network moves. */

export function describeControls(sensor: SensorDescription): ControlDescription[] {
	const controls: ControlDescription[] = [
		{ key: "frameRate", label: "frame rate cap (fps)", kind: "number", min: FRAME_RATE_MIN, max: FRAME_RATE_MAX, step: 0.1, applies: "now" },
		...sensor.settings,
	];
	if (sensor.frameSizes.length) controls.push({ key: "frameSize", label: "frame size", kind: "choice", choices: sensor.frameSizes.slice(), applies: "next start" });
	controls.push(RESTART);
	return controls.concat(MOVE_CONTROLS);
}

/** What the settings that are not the camera's go to. */
export interface ControlHooks {
	/** Keeps a frame size for the next start (camera/frame-size-store.ts). */
	storeFrameSize: (name: string) => void;
	/** Restarts the device once the answer has gone. */
	restart: () => void;
	/** Takes the network settings (network-move.ts). */
	moves: NetworkMoves;
	/** The board's flash LED, if it has one (camera/flash-led.ts). */
	led?: FlashLed;
}

export class DeviceControls {
	/** What the device announces. */
	readonly list: ControlDescription[];
	readonly #byKey: { [key: string]: ControlDescription } = Object.create(null);
	readonly #capture: Capture;
	readonly #storeFrameSize: (name: string) => void;
	readonly #restart: () => void;
	readonly #moves: NetworkMoves;
	readonly #led: FlashLed | undefined;

	constructor(sensor: SensorDescription, capture: Capture, hooks: ControlHooks) {
		this.#capture = capture;
		this.#storeFrameSize = hooks.storeFrameSize;
		this.#restart = hooks.restart;
		this.#moves = hooks.moves;
		this.#led = hooks.led;
		this.list = hooks.led ? describeControls(sensor).concat(hooks.led.controls) : describeControls(sensor);
		for (const control of this.list) this.#byKey[control.key] = control;
	}

	apply(settings: ControlSettings): ControlAnswer {
		const answer: ControlAnswer = { applied: Object.create(null), pending: Object.create(null), refused: Object.create(null) };
		const sensor: SensorSettings & { [key: string]: number } = {};
		let sensorCount = 0;
		const move: ControlSettings = {};
		let moveCount = 0;
		for (const key in settings) {
			const control = this.#byKey[key];
			const value = control && settle(control, settings[key]);
			if (this.#led?.owns(key)) {
				const done = this.#led.apply(key, settings[key]);
				if ("refused" in done) answer.refused[key] = done.refused;
				else answer.applied[key] = done.applied;
			}
			else if (!control) answer.refused[key] = "not a setting of this camera";
			else if (value === undefined) answer.refused[key] = "must be " + rule(control);
			else if (isMoveKey(key)) {
				move[key] = value;
				moveCount++;
			}
			else if (key === "frameRate") {
				this.#capture.frameRate = value as number;
				answer.applied[key] = value;
			}
			else if (key === "frameSize") {
				this.#storeFrameSize(value as string);
				answer.pending[key] = value;
			}
			else if (key === "restart") answer.pending[key] = value; // the device restarts after answering
			else {
				sensor[key] = value as number;
				sensorCount++;
			}
		}
		if (moveCount) this.#moves.apply(move, answer);
		if (sensorCount) {
			try {
				this.#capture.configure(sensor);
				for (const key in sensor) answer.applied[key] = sensor[key];
			}
			catch (error) {
				for (const key in sensor) answer.refused[key] = "the camera refused: " + (error as Error).message;
			}
		}
		if ("restart" in answer.pending) this.#restart();
		return answer;
	}
}
