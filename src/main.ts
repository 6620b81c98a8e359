// The firmware's entry point: the only module that imports the Moddable IO modules. Each host (the
// ESP32-CAM, the SDK's simulator, the Node host, the XS engine on the host) supplies them under these
// same specifiers. The SDK calls this default export once, with no arguments, after its setup modules
// (xs/platforms/mc/xsHosts.c). Nothing may escape from here: on the ESP32 an uncaught exception aborts
// and restarts the chip, and a device that restarts into the same error loops forever. So a bad config
// value, or a camera that does not start, stops here with one line and the device stays up, idle.

import { Digest } from "crypt";
import Camera from "embedded:io/image/in/camera";
import PWM from "embedded:io/pwm";
import TCP from "embedded:io/socket/tcp";
import TLS from "embedded:io/socket/tcp/tls";
import WiFi from "embedded:network/interface/wifi";
import Flash from "embedded:storage/flash";
import Update from "embedded:update";
import HMAC from "hmac";
import Instrumentation from "instrumentation";
import config from "mc/config";
import Net from "net";
import Preference from "preference";
import Time from "time";
import Timer from "timer";
import Boot from "xscam-boot";
import { Device } from "./app/device";
import { settingsAtStart } from "./app/saved-settings";

function log(line: string): void {
	trace("xscam: " + line + "\n");
}

export default function main(): Device | undefined {
	try {
		const device = new Device(settingsAtStart(config, Preference, log), { Camera, Digest, HMAC, TCP, TLS, WiFi, Time, Timer, Net, Preference, Instrumentation, Update, Flash, Boot, PWM }, log, config);
		device.start();
		return device;
	}
	catch (error) {
		log((error as Error).message); // "config: <key> must be …", or the camera's "camera init failed"
		return undefined;
	}
}
