// The baseline firmware of the XS frame-path benchmark (scripts/bench/xs-frame-path.ts): src/main.ts in
// every part but one, its camera. CopyingCamera.read() hands the firmware a JS copy of each disposable
// frame and closes the camera's own buffer at once, which is what firmware pays that reads frames in
// "buffer" format, or copies each frame into a send buffer of its own. Everything after the read (the
// Device of src/app/device.ts, its pacing, session and sockets) is the unchanged firmware.
//
// The copy is a TypedArray set(), not ArrayBuffer slice(): XS meters set() at 2 computrons per byte,
// while slice() is a memcpy it does not meter by size (see hosttest/xs/runtime/xs-board.ts), so a slice
// would cost the device the same bytes and time but look almost free in computrons.

import { Digest } from "crypt";
import Camera from "embedded:io/image/in/camera";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import PWM from "embedded:io/pwm";
import TCP from "embedded:io/socket/tcp";
import TLS from "embedded:io/socket/tcp/tls";
import UDP from "embedded:io/socket/udp";
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
import { Device } from "../../src/app/device";
import { readSettings } from "../../src/app/settings";

/** The copy is the firmware's own memory: closing it returns nothing to the camera's pool. */
function keepOpen(): void {}

class CopyingCamera extends Camera {
	override read(): DisposableFrame | ArrayBuffer | undefined;
	override read(into: ArrayBufferLike | ArrayBufferView): number | undefined;
	override read(into?: ArrayBufferLike | ArrayBufferView): DisposableFrame | ArrayBuffer | number | undefined {
		if (into !== undefined) return super.read(into); // the caller's buffer: a copy already
		const frame = super.read() as DisposableFrame | undefined;
		if (!frame) return undefined;
		const copy = new ArrayBuffer(frame.byteLength) as DisposableFrame;
		new Uint8Array(copy).set(new Uint8Array(frame));
		frame.close();
		copy.close = keepOpen;
		return copy;
	}
}

export default function main(): Device {
	const device = new Device(readSettings(config), { Camera: CopyingCamera, Digest, HMAC, TCP, TLS, UDP, WiFi, Time, Timer, Net, Preference, Instrumentation, Update, Flash, Boot, PWM },
		(line) => trace("xscam: " + line + "\n"), config);
	device.start();
	return device;
}
