// embedded:io/pwm on the Node host and in the XS engine: the simulated PWM of modules/sim/pwm/ (the
// same one the SDK's simulator runs), whose every duty goes to the board's record of its pins, with the
// board's time, so tests can check what a light did and for how long.

import type DevicePWM from "embedded:io/pwm";
import { pwmClass } from "../../modules/sim/pwm/simulated-pwm";
import { board } from "./board";

const PWM = pwmClass(() => ({
	driven: (pin, value, max) => board().pwm?.push({ pin, at: board().now(), value, max }),
}));

export default PWM satisfies typeof DevicePWM;
