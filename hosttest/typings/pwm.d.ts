// embedded:io/pwm, as the SDK 8.2.x typings declare it (typings/embedded_io/pwm.d.ts): no close() and no
// `resolution` option, though the ESP32 implementation has both (modules/io/pwm/esp32/_pwm.js, _pwm.c);
// the firmware compiles against this surface. write() takes 0 … 2^resolution - 1.

declare module "embedded:io/pwm" {
	class PWM {
		constructor(options: {
			pin: number;
			hz?: number;
			format?: "number";
			target?: any;
		});
		readonly resolution: number;
		readonly hz: number;
		write(value: number): void;
		get format(): "number";
		set format(value: "number");
	}
	export default PWM;
}
