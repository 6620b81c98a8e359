// The firmware's entry point: the only module that imports the Moddable IO modules. Each host (the
// ESP32-CAM, the SDK's simulator, the Node host, the XS engine on the host) supplies them under these
// same specifiers. A bad config value stops here with one line naming the key; nothing streams.

import Camera from "embedded:io/image/in/camera";
import TCP from "embedded:io/socket/tcp";
import WiFi from "embedded:network/interface/wifi";
import Instrumentation from "instrumentation";
import config from "mc/config";
import Net from "net";
import Preference from "preference";
import Timer from "timer";
import { Device } from "./device";
import { readSettings } from "./settings";

function log(line: string): void {
	trace("xscam: " + line + "\n");
}

export default function main(): Device | undefined {
	let settings;
	try {
		settings = readSettings(config);
	}
	catch (error) {
		log((error as Error).message);
		return undefined;
	}
	const device = new Device(settings, { Camera, TCP, WiFi, Timer, Net, Preference, Instrumentation }, log);
	device.start();
	return device;
}
