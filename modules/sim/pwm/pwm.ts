// embedded:io/pwm for the SDK's lin simulator (mcsim), which has none (the SDK maps it for esp, esp32,
// nrf52, pico and zephyr only: modules/io/pwm/manifest.json): the simulated PWM of simulated-pwm.ts,
// which traces each duty it drives, so the flash LED can be followed in the simulator's output. The
// manifest maps this file to the PWM specifier and its neighbour beside it, as the camera's are.

import { pwmClass, type PwmEnvironment } from "./simulated-pwm";

const environment: PwmEnvironment = {
	driven: (pin, value, max) => trace("pwm: GPIO " + pin + " at " + value + "/" + max + "\n"),
};

const PWM = pwmClass(() => environment);
export default PWM;
