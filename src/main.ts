// The firmware's entry point: the only module that imports the Moddable IO modules. Each host (the
// ESP32-CAM, the SDK's simulator, the Node host, the XS engine on the host) supplies them under these
// same specifiers. The SDK calls this default export once, with no arguments, after its setup modules
// (xs/platforms/mc/xsHosts.c). Nothing may escape from here: on the ESP32 an uncaught exception aborts
// and restarts the chip, and a device that restarts into the same error loops forever. So a bad config
// value stops here with one line and the device stays up, idle; a camera that does not start is retried
// by a counted restart (camera/camera-watchdog.ts), then stays idle too.
// A camera with nothing to join or stream to, or whose last start asked for it, starts in setup mode
// instead (setup/setup-mode.ts): its own access point and setup page.

import { Digest } from "crypt";
import Camera from "embedded:io/image/in/camera";
import PWM from "embedded:io/pwm";
import TCP from "embedded:io/socket/tcp";
import Listener from "embedded:io/socket/listener";
import TLS from "embedded:io/socket/tcp/tls";
import UDP from "embedded:io/socket/udp";
import HTTPServer from "embedded:network/http/server";
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
import ClassicWiFi from "wifi";
import Boot from "xscam-boot";
import { Device } from "./app/device";
import { configAtStart } from "./app/saved-settings";
import { readSettings } from "./app/settings";
import { SetupMode } from "./setup/setup-mode";

function log(line: string): void {
	trace("xscam: " + line + "\n");
}

export default function main(): Device | SetupMode | undefined {
	try {
		const atStart = configAtStart(config, Preference, log);
		if (SetupMode.wanted(atStart, Preference)) {
			const setup = new SetupMode({ io: { WiFi: ClassicWiFi, HTTPServer, Listener, Preference, Timer, Boot }, config: atStart, manifest: config, log });
			setup.start();
			return setup;
		}
		const device = new Device(readSettings(atStart), { Camera, Digest, HMAC, TCP, TLS, UDP, WiFi, Time, Timer, Net, Preference, Instrumentation, Update, Flash, Boot, PWM }, log, config);
		device.start();
		return device;
	}
	catch (error) {
		log((error as Error).message); // "config: <key> must be …", the camera's "camera init failed", or the access point's
		return undefined;
	}
}
