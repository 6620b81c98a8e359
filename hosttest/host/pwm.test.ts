// embedded:io/pwm on the host, one test per rule of the SDK's ESP32 PWM (modules/sim/pwm/simulated-pwm.ts
// lists them, from modules/io/pwm/esp32/_pwm.c): what the constructor refuses, the write range, the
// shared resources, close(), and the board's record of what each pin was driven at.

import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Board } from "./board";
import { createNodeBoard } from "./node-board";

type PWMClass = typeof import("./pwm").default;
let PWM: PWMClass;
let board: Board;

beforeEach(async () => {
	vi.resetModules(); // a fresh module graph is a restarted device: every pin, channel and timer free
	const { installBoard } = await import("./board");
	board = createNodeBoard({ config: { manifest: {}, commandLine: {} }, trace: () => {} });
	installBoard(board);
	PWM = (await import("./pwm")).default;
});

describe("host PWM", () => {
	it("starts off at 1024 Hz and 10 bits, takes 0 … 1023 and records each duty with the board's time", () => {
		const pwm = new PWM({ pin: 4 });
		expect([pwm.hz, pwm.resolution, pwm.format]).toEqual([1024, 10, "number"]);
		pwm.write(1023);
		pwm.write(7.9); // ToInteger, as xsmcToInteger
		expect(board.pwm!.map(({ pin, value, max }) => [pin, value, max])).toEqual([[4, 0, 1023], [4, 1023, 1023], [4, 7, 1023]]);
		expect(board.pwm!.every((duty) => typeof duty.at === "number")).toBe(true);
	});

	it("refuses a value outside 0 … 2^resolution - 1", () => {
		const pwm = new PWM({ pin: 4, hz: 20_000 });
		expect(() => pwm.write(1024)).toThrow(new RangeError("invalid value"));
		expect(() => pwm.write(-1)).toThrow(new RangeError("invalid value"));
	});

	it("needs a pin that is a GPIO, free, and an output", () => {
		expect(() => new PWM({} as never)).toThrow(new Error("invalid"));
		expect(() => new PWM({ pin: -1 })).toThrow(new RangeError("negative"));
		expect(() => new PWM({ pin: 20 })).toThrow(new Error("in use")); // no GPIO 20 on the ESP32
		expect(() => new PWM({ pin: 40 })).toThrow(new Error("in use"));
		expect(() => new PWM({ pin: 35 })).toThrow(new Error("can't configure")); // 34-39 are inputs only
		new PWM({ pin: 4 });
		expect(() => new PWM({ pin: 4 })).toThrow(new Error("in use"));
	});

	it("refuses hz and resolutions the LEDC cannot make, and any format but number", () => {
		expect(() => new PWM({ pin: 4, hz: 0 })).toThrow(new RangeError("invalid hz"));
		expect(() => new PWM({ pin: 4, resolution: 20 } as never)).toThrow(new RangeError("invalid resolution"));
		expect(() => new PWM({ pin: 4, hz: 16 })).toThrow(new RangeError("invalid combination of hz and resolution")); // 10 bits: 17 Hz at least
		expect(() => new PWM({ pin: 4, hz: 20, resolution: 8 } as never)).toThrow(new RangeError("invalid combination of hz and resolution"));
		expect(() => new PWM({ pin: 4, hz: 100_000 })).toThrow(new Error("configure ledc timer failed")); // 102.4 MHz > 80 MHz
		expect(() => new PWM({ pin: 4, format: "buffer" as never })).toThrow(new RangeError("invalid format"));
		expect(() => { new PWM({ pin: 4 }).format = "buffer" as never; }).toThrow(RangeError);
	});

	it("has LEDC channels 4 to 7 only", () => {
		expect(() => new PWM({ pin: 4, port: 0 } as never)).toThrow(new Error("port unavailable")); // the camera's XCLK has channel 0
		expect(() => new PWM({ pin: 4, port: 8 } as never)).toThrow(new RangeError("invalid port"));
		const pins = [12, 13, 14, 15];
		pins.forEach((pin, i) => new PWM({ pin, hz: 1000 * (i + 1) }));
		expect(() => new PWM({ pin: 16 })).toThrow(new Error("no ledc channel"));
	});

	it("frees its pin on close(), drives the pin low, and then throws SyntaxError except for format", () => {
		const pwm = new PWM({ pin: 4 });
		pwm.write(500);
		pwm.close();
		expect(board.pwm!.at(-1)).toMatchObject({ pin: 4, value: 0 });
		expect(() => pwm.write(1)).toThrow(SyntaxError);
		expect(() => pwm.hz).toThrow(SyntaxError);
		expect(pwm.format).toBe("number"); // a JS getter in _pwm.js
		pwm.close(); // a no-op
		expect(() => new PWM({ pin: 4 })).not.toThrow();
	});

	it("copies target to the instance", () => {
		const target = {};
		expect(new PWM({ pin: 4, target }).target).toBe(target);
	});
});
