// A simulated ECMA-419 PWM with the surface and the strictness of the SDK's ESP32 one (read from
// modules/io/pwm/esp32/_pwm.c and modules/io/common/builtinCommon.c in the SDK 8.2.3; code reading
// unless marked external). The SDK's lin simulator (pwm.ts here) and the Node and XS hosts
// (hosttest/host/pwm.ts) both use it. XS-portable.
// - `pin` is required (undefined: Error "invalid"; negative: RangeError "negative"); a pin that is not
//   one of the ESP32's GPIOs, or that another IO holds, is Error "in use"; GPIO 34-39 are inputs only,
//   and the LEDC driver refuses them: Error "can't configure" (external: ESP32 datasheet, GPIO matrix);
// - `hz` defaults to 1024 and `resolution` to 10 bits; hz <= 0 is RangeError "invalid hz", a resolution
//   outside 1..19 RangeError "invalid resolution"; hz below the LEDC's minimum for the resolution is
//   RangeError "invalid combination of hz and resolution" (_pwm.c MIN_HZ, for 8 to 14 bits; the SDK reads
//   past that table for other resolutions, so they are refused here the same way); hz × 2^resolution
//   above the 80 MHz APB clock is Error "configure ledc timer failed" (external: ESP-IDF ledc_timer_config);
// - format "number" only (RangeError "invalid format"); `port` picks an LEDC channel: outside 0..7 is
//   RangeError "invalid port", one the PWM may not use (0-3: the camera takes channel 0) or already
//   uses is Error "port unavailable"; with no port, the lowest free of channels 4-7, and none is Error
//   "no ledc channel" (the LEDC's 4 timers, shared by equal hz and resolution, cannot run out first);
// - write(value) takes an integer 0 … 2^resolution - 1 (anything else RangeError "invalid value",
//   after ToInteger); the top value is fully on; a new PWM starts at 0 (off);
// - close() frees the pin and the channel and drives nothing more; after it every method and getter
//   but `format` throws SyntaxError, and a second close() does nothing.
// Its environment hears every duty the pin is driven at, so tests can check what the LED did, and when.

// io-common.ts's rules (target copied, SyntaxError once closed) are written out here, not imported: on
// lin this module is embedded:io/simulated-pwm, from where no relative path reaches io-common's name
// (embedded:io/image/io-common), and mcconfig gives one source file one module name.
const closedError = () => new SyntaxError("C: xsGetHostData: invalid host data");

export interface PwmOptions {
	pin: number;
	hz?: number;
	resolution?: number;
	port?: number;
	format?: "number";
	target?: unknown;
}

/** The world a simulated PWM drives: what it is told each time a pin's duty changes. */
export interface PwmEnvironment {
	/** `pin` now runs at `value` of `max` (max: fully on); 0 when it is closed. */
	driven(pin: number, value: number, max: number): void;
}

const CHANNELS = 8;
const PWM_CHANNELS = 0xf0; // MODDEF_PWM_LEDC_CHANNEL_MAP: channels 4-7; the camera's XCLK has channel 0
const MAX_RESOLUTION = 19; // LEDC_TIMER_BIT_MAX is 20 on the ESP32 (external: ESP-IDF)
const MIN_HZ = [65, 33, 17, 9, 5, 3, 2]; // _pwm.c, the ESP32's, for 8 … 14 bits
const LOW_RESOLUTION = 8;
const APB_HZ = 80_000_000;

function validGpio(pin: number): boolean {
	return pin <= 39 && pin !== 20 && pin !== 24 && !(pin >= 28 && pin <= 31); // SOC_GPIO_VALID_GPIO_MASK (external)
}

/** ToInteger, as xsmcToInteger converts. */
function integer(value: unknown): number {
	const number = Math.trunc(Number(value));
	return Number.isFinite(number) ? number : 0;
}

function option(options: PwmOptions, name: keyof PwmOptions, fallback: number): number {
	return options[name] === undefined ? fallback : integer(options[name]);
}

interface Held {
	pin: number;
	channel: number;
	hz: number;
	resolution: number;
	max: number;
}

export function pwmClass(environment: () => PwmEnvironment) {
	// The SDK keeps these in C globals: a restart of the firmware (a new module graph) starts clean.
	const pinsInUse = new Set<number>();
	const channelsInUse = new Set<number>();

	return class PWM {
		target?: unknown;
		#held: Held | undefined;

		constructor(options: PwmOptions) {
			if (options.pin === undefined) throw new Error("invalid");
			const pin = integer(options.pin);
			if (pin < 0) throw new RangeError("negative");
			if (!validGpio(pin) || pinsInUse.has(pin)) throw new Error("in use");
			let channel = -1;
			if (options.port !== undefined) {
				channel = integer(options.port);
				if (channel < 0 || channel >= CHANNELS) throw new RangeError("invalid port");
				if (!(PWM_CHANNELS & (1 << channel)) || channelsInUse.has(channel)) throw new Error("port unavailable");
			}
			const hz = option(options, "hz", 1024);
			if (hz <= 0) throw new RangeError("invalid hz");
			const resolution = option(options, "resolution", 10);
			if (resolution <= 0 || resolution > MAX_RESOLUTION) throw new RangeError("invalid resolution");
			if (options.format && options.format !== "number") throw new RangeError("invalid format");
			const minimum = MIN_HZ[resolution - LOW_RESOLUTION];
			if (minimum === undefined || hz < minimum) throw new RangeError("invalid combination of hz and resolution");
			if (channel < 0) {
				for (channel = 0; channel < CHANNELS; channel++) if ((PWM_CHANNELS & (1 << channel)) && !channelsInUse.has(channel)) break;
				if (channel === CHANNELS) throw new Error("no ledc channel");
			}
			if (hz * 2 ** resolution > APB_HZ) throw new Error("configure ledc timer failed");
			if (pin >= 34) throw new Error("can't configure");
			if ("target" in options) this.target = options.target;
			channelsInUse.add(channel);
			pinsInUse.add(pin);
			const max = 2 ** resolution - 1;
			this.#held = { pin, channel, hz, resolution, max };
			environment().driven(pin, 0, max);
		}

		write(value: number): void {
			const held = this.#live();
			const duty = integer(value);
			if (duty < 0 || duty > held.max) throw new RangeError("invalid value");
			environment().driven(held.pin, duty, held.max);
		}

		get hz(): number {
			return this.#live().hz;
		}

		get resolution(): number {
			return this.#live().resolution;
		}

		// In JS in _pwm.js, so they answer even after close().
		get format(): "number" {
			return "number";
		}

		set format(value: "number") {
			if (value !== "number") throw new RangeError();
		}

		close(): void {
			const held = this.#held;
			if (!held) return;
			this.#held = undefined;
			environment().driven(held.pin, 0, held.max); // ledc_stop(…, 0): the pin goes low
			channelsInUse.delete(held.channel);
			pinsInUse.delete(held.pin);
		}

		#live(): Held {
			if (!this.#held) throw closedError();
			return this.#held;
		}
	};
}
