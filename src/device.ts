// The firmware, composed: the Wi-Fi link, the camera, and the connection to the receiver, with the
// device's stats. Each part takes its Moddable IO constructors from `io`, so main.ts is the only file
// that imports the modules and each host (device, simulator, Node, XS engine) supplies them.

import type Camera from "embedded:io/image/in/camera";
import type TCP from "embedded:io/socket/tcp";
import type WiFi from "embedded:network/interface/wifi";
import type Instrumentation from "instrumentation";
import type Net from "net";
import type Preference from "preference";
import type Timer from "timer";
import { Capture } from "./camera/capture";
import { FRAME_SIZES } from "./camera/frame-sizes";
import { frameSizeAtStart, storeFrameSize } from "./camera/frame-size-store";
import { applyControl } from "./control";
import { WifiLink } from "./link/wifi-link";
import type { Settings } from "./settings";
import { Connection } from "./transport/connection";
import { FIRMWARE_VERSION } from "./version";

type TimerId = ReturnType<typeof Timer.set>; // an opaque handle: a Timer object on the SDK, a number elsewhere

export interface DeviceIO {
	Camera: typeof Camera;
	TCP: typeof TCP;
	WiFi: typeof WiFi;
	Timer: typeof Timer;
	Net: typeof Net;
	Preference: typeof Preference;
	Instrumentation: typeof Instrumentation;
}

const STATS_INTERVAL = 2000;

export class Device {
	readonly link: WifiLink;
	readonly capture: Capture;
	readonly connection: Connection;
	readonly #io: DeviceIO;
	readonly #startedAt: number;
	readonly #freeMemory: number | undefined; // instrumentation index, undefined in release builds
	#stats: TimerId | undefined;
	#sentBefore = 0;

	constructor(settings: Settings, io: DeviceIO, log: (line: string) => void) {
		this.#io = io;
		this.#startedAt = Date.now();
		this.#freeMemory = io.Instrumentation.map("System Free Memory");
		const frameSize = frameSizeAtStart(io.Preference, settings.frameSize);
		const [width, height] = FRAME_SIZES[frameSize];
		this.capture = new Capture({
			Camera: io.Camera, width, height, frameRate: settings.frameRate,
			onFrame: (frame, time) => this.connection.sender.offer(frame, time),
		});
		log("camera " + this.capture.sensor + " " + frameSize + " " + this.capture.width + "x" + this.capture.height + " at most " + settings.frameRate + " fps");
		const target = settings.server + ":" + settings.port;
		this.connection = new Connection({
			TCP: io.TCP, Net: io.Net, Timer: io.Timer, server: settings.server, port: settings.port,
			hello: {
				type: "hello", flags: 0, id: settings.id, firmware: FIRMWARE_VERSION, board: settings.board,
				sensor: this.capture.sensor, width: this.capture.width, height: this.capture.height,
			},
			onControl: (control) => applyControl(control.settings, this.capture,
				(name) => storeFrameSize(io.Preference, settings.frameSize, name)),
			onChanged: (state, reason, retryIn) => {
				if (state === "resolving" && !reason) log("connecting to " + target);
				else if (state === "streaming") log("streaming to " + target);
				else if (state === "waiting") log(target + ": " + reason + "; retry in " + seconds(retryIn!));
			},
		});
		this.link = new WifiLink({
			WiFi: io.WiFi, Timer: io.Timer, ssid: settings.ssid, password: settings.password,
			onChanged: (state, retryIn) => {
				if (state === "up") {
					log("wifi up " + this.link.address + " " + this.link.rssi + " dBm");
					this.connection.start();
					return;
				}
				this.connection.stop();
				log(state === "joining" ? "wifi joining " + JSON.stringify(settings.ssid) : "wifi down; retry in " + seconds(retryIn!));
			},
		});
	}

	start(): void {
		this.#stats = this.#io.Timer.repeat(() => this.#sendStats(), STATS_INTERVAL);
		this.link.start();
		this.capture.start();
	}

	/** For the hosts (tests, simulator); a device runs until power-off. */
	close(): void {
		this.#io.Timer.clear(this.#stats);
		this.connection.stop();
		this.link.close();
		this.capture.close();
	}

	#sendStats(): void {
		const sender = this.connection.sender;
		const fps = (sender.sent - this.#sentBefore) * 1000 / STATS_INTERVAL;
		this.#sentBefore = sender.sent;
		const rssi = this.link.rssi;
		this.connection.sendStats({
			type: "stats",
			uptime: Math.floor((Date.now() - this.#startedAt) / 1000),
			captured: this.capture.captured,
			sent: sender.sent,
			dropped: sender.dropped + this.capture.superseded,
			reconnects: this.connection.reconnects,
			fps,
			rssi: rssi === undefined ? undefined : Math.max(-128, Math.min(126, rssi)),
			freeHeap: this.#io.Instrumentation.get(this.#freeMemory),
		});
	}
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(1) + " s";
}
