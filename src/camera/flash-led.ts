// The flash LED (on the AI-Thinker ESP32-CAM the white LED on GPIO 4, through a transistor) as two
// settings of the camera: `flash`, off, on, or on while someone watches, and `flashBrightness`, its PWM
// duty in percent. The LED has no heat sink and runs hot (docs/hardware.md), so two caps hold whatever a
// control says: the duty is never above MAX_DUTY_PERCENT, and the LED is never on for longer than
// MAX_ON_MS at a stretch; then it stays off until it is set again or someone starts watching again.
// Only the receiver knows who watches: it sends `watched`, 1 or 0, to a camera that announced `flash`
// (docs/protocol.md, "The flash LED"). The PWM is the SDK's ECMA-419 one (embedded:io/pwm).

import type PWM from "embedded:io/pwm";
import type Timer from "timer";
import { rule, settle } from "../protocol/controls";
import type { ControlDescription, ControlValue } from "../protocol/types";

export const FLASH_KEY = "flash";
export const FLASH_BRIGHTNESS_KEY = "flashBrightness";
/** Sent by the receiver, never announced: nobody sets it from the page. */
export const WATCHED_KEY = "watched";

export type FlashMode = "off" | "on" | "watching";

/**
 * The duty cap. The LED and its transistor sit on the board with no heat sink, and users report the LED
 * runs too hot (docs/hardware.md); a quarter of the time on keeps its heat a quarter of full power's.
 * A conservative guess, not a measurement.
 */
export const MAX_DUTY_PERCENT = 25;
/** The longest the LED stays on at a stretch: long enough to look at something, short enough that a forgotten "on" cannot cook it. */
export const MAX_ON_MS = 3 * 60_000;
const DEFAULT_PERCENT = 10;
/** The ESP32's highest GPIO. */
export const MAX_GPIO = 39;
/** Far above the frame rate and above hearing; 20 kHz × 2^10 needs a 20.48 MHz LEDC clock, well under the ESP32's 80 MHz. */
const PWM_HZ = 20_000;

/** The SDK's PWM has close() (modules/io/pwm/esp32/_pwm.js); its typings (typings/embedded_io/pwm.d.ts) leave it out. */
type ClosablePWM = InstanceType<typeof PWM> & { close(): void };
type TimerId = ReturnType<typeof Timer.set>; // an opaque handle: a Timer object on the SDK, a number elsewhere

export interface FlashLedOptions {
	PWM: typeof PWM;
	Timer: typeof Timer;
	pin: number;
}

export class FlashLed {
	/** What the camera announces for its LED. */
	readonly controls: ControlDescription[] = [
		{ key: FLASH_KEY, label: "flash LED", kind: "choice", choices: ["off", "on", "watching"], applies: "now" },
		{ key: FLASH_BRIGHTNESS_KEY, label: "flash brightness (%, capped: the LED runs hot)", kind: "integer", min: 1, max: MAX_DUTY_PERCENT, step: 1, applies: "now" },
	];
	readonly #pwm: ClosablePWM;
	readonly #Timer: typeof Timer;
	readonly #capDuty: number;
	#mode: FlashMode = "off";
	#percent = DEFAULT_PERCENT;
	#watched = false;
	/** The time cap turned it off; it stays off until set again or watching starts again. */
	#timedOut = false;
	/** While lit: the time cap's timer. */
	#lit: TimerId | undefined;

	/** Opens the PWM (off); throws what the SDK's PWM throws for a pin it cannot drive. */
	constructor(options: FlashLedOptions) {
		this.#Timer = options.Timer;
		this.#pwm = new options.PWM({ pin: options.pin, hz: PWM_HZ }) as ClosablePWM;
		this.#capDuty = Math.floor(((2 ** this.#pwm.resolution - 1) * MAX_DUTY_PERCENT) / 100);
	}

	/** Whether `key` is the LED's to answer: its two settings, and `watched`. */
	owns(key: string): boolean {
		return key === FLASH_KEY || key === FLASH_BRIGHTNESS_KEY || key === WATCHED_KEY;
	}

	/** Applies `value` to one of the keys it owns: the value it took, or why it refused. */
	apply(key: string, value: unknown): { applied: ControlValue } | { refused: string } {
		if (key === WATCHED_KEY) {
			if (value !== 0 && value !== 1) return { refused: "must be 1 (someone watches) or 0 (nobody does)" };
			this.watch(value === 1);
			return { applied: value };
		}
		const control = key === FLASH_KEY ? this.controls[0] : this.controls[1];
		const settled = settle(control, value);
		if (settled === undefined) {
			const why = key === FLASH_BRIGHTNESS_KEY && typeof value === "number" && value > MAX_DUTY_PERCENT ? ": above that the LED overheats" : "";
			return { refused: "must be " + rule(control) + why };
		}
		if (key === FLASH_KEY) this.#mode = settled as FlashMode;
		else this.#percent = settled as number;
		this.#timedOut = false; // set again: it may light again, for at most the time cap
		this.#update();
		return { applied: settled };
	}

	/** Someone watches the camera, or nobody does (the receiver said so, or the camera lost its receiver). */
	watch(watched: boolean): void {
		if (watched && !this.#watched) this.#timedOut = false; // watching starts again
		this.#watched = watched;
		this.#update();
	}

	/** For the hosts (tests, simulator): the LED goes off and its pin is free. */
	close(): void {
		this.#Timer.clear(this.#lit);
		this.#lit = undefined;
		this.#pwm.close();
	}

	#update(): void {
		const on = !this.#timedOut && (this.#mode === "on" || (this.#mode === "watching" && this.#watched));
		if (!on) {
			this.#Timer.clear(this.#lit);
			this.#lit = undefined;
			this.#pwm.write(0);
			return;
		}
		this.#pwm.write(Math.min(this.#capDuty, Math.floor(((2 ** this.#pwm.resolution - 1) * this.#percent) / 100)));
		// The stretch counts from when it lit: a new brightness or mode while on does not restart it.
		this.#lit ??= this.#Timer.set(() => {
			this.#lit = undefined;
			this.#timedOut = true;
			this.#update();
		}, MAX_ON_MS);
	}
}
