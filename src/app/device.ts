// The firmware, composed: the Wi-Fi link (link/), the camera (camera/), and the session with the
// receiver (session/) over a TCP pipe (transport/) to an address the resolver finds (network/). Each
// part takes its Moddable IO constructors from `io`, so main.ts is the only file that imports the
// modules and each host (device, simulator, Node, XS engine) supplies them. Parts meet only here, each
// through the small service of the part below it.

import type { Digest } from "crypt";
import type Camera from "embedded:io/image/in/camera";
import type PWM from "embedded:io/pwm";
import type TCP from "embedded:io/socket/tcp";
import type TLS from "embedded:io/socket/tcp/tls";
import type UDP from "embedded:io/socket/udp";
import type WiFi from "embedded:network/interface/wifi";
import type Flash from "embedded:storage/flash";
import type Update from "embedded:update";
import type Instrumentation from "instrumentation";
import type HMAC from "hmac";
import type Net from "net";
import type Preference from "preference";
import type Time from "time";
import type Timer from "timer";
import type Boot from "xscam-boot";
import { CameraWatchdog, cameraFailedToStart, type CameraRestartIO } from "../camera/camera-watchdog";
import { Capture } from "../camera/capture";
import { FlashLed } from "../camera/flash-led";
import { FRAME_SIZES } from "../camera/frame-sizes";
import { frameSizeAtStart, storeFrameSize } from "../camera/frame-size-store";
import { describeSensor } from "../camera/sensors/index";
import { WifiLink } from "../link/wifi-link";
import { Resolver } from "../network/resolver";
import type { DatagramSocket } from "../session/datagram-sender";
import { Session } from "../session/session";
import { SetupFallback } from "../setup/setup-fallback";
import type { OpenPipe } from "../transport/pipe";
import { openTcpPipe } from "../transport/tcp-pipe";
import { openTlsPipe } from "../transport/tls-pipe";
import { FirmwareUpdater } from "../update/firmware-updater";
import { UpdateTrial } from "../update/update-trial";
import { DeviceClock } from "./clock";
import { DeviceControls } from "./control";
import { NetworkMoves } from "./network-move";
import { restarter } from "./restart";
import { type Config, configError, type Settings } from "./settings";
import { FIRMWARE_VERSION } from "./version";

export interface DeviceIO {
	Camera: typeof Camera;
	Digest: typeof Digest;
	HMAC: typeof HMAC;
	TCP: typeof TCP;
	TLS: typeof TLS;
	UDP: typeof UDP;
	WiFi: typeof WiFi;
	Time: typeof Time;
	Timer: typeof Timer;
	Net: typeof Net;
	Preference: typeof Preference;
	Instrumentation: typeof Instrumentation;
	Update: typeof Update;
	Flash: typeof Flash;
	Boot: typeof Boot;
	PWM: typeof PWM;
}

export class Device {
	readonly link: WifiLink;
	readonly capture: Capture;
	/** The session of the current network settings; a move replaces it. */
	session: Session;
	readonly controls: DeviceControls;
	readonly updater: FirmwareUpdater;
	readonly trial: UpdateTrial;
	readonly #moves: NetworkMoves;
	readonly #newSession: (settings: Settings) => Session;
	#settings: Settings;
	readonly led: FlashLed | undefined;
	readonly #setupFallback: SetupFallback | undefined;
	readonly #cameraRestarts: CameraRestartIO;
	#cameraWatchdog: CameraWatchdog | undefined;

	/**
	 * Opens the camera; throws a config error when the sensor does not offer the configured frame size.
	 * `settings` may hold saved network settings (app/saved-settings.ts) over the manifest's `config`.
	 */
	constructor(settings: Settings, io: DeviceIO, log: (line: string) => void, config: Config) {
		this.#settings = settings;
		const startedAt = Date.now();
		const freeMemory = io.Instrumentation.map("System Free Memory"); // undefined in release builds
		const frameSize = frameSizeAtStart(io.Preference, settings.frameSize);
		const [width, height] = FRAME_SIZES[frameSize];
		const restartSoon = restarter(io, log);
		const cameraRestarts = this.#cameraRestarts = { Timer: io.Timer, Preference: io.Preference, log, restart: restartSoon };
		let capture: Capture;
		try {
			capture = this.capture = new Capture({
				Camera: io.Camera, width, height, frameRate: settings.frameRate,
				onFrame: (frame, time) => this.session.offer(frame, time),
			});
		}
		catch (error) {
			cameraFailedToStart(cameraRestarts, (error as Error).message); // "camera init failed": main() logs it too
			throw error;
		}
		const sensor = describeSensor(capture.sensor);
		if (sensor.frameSizes.length && !sensor.frameSizes.includes(settings.frameSize))
			throw configError("frameSize", "one of the " + sensor.model + "'s sizes, " + sensor.frameSizes.join(", "), settings.frameSize);
		log("camera " + capture.sensor + " " + frameSize + " " + capture.width + "x" + capture.height + " at most " + settings.frameRate + " fps");
		const moves = this.#moves = new NetworkMoves({
			Timer: io.Timer, Preference: io.Preference, config, current: () => this.#settings, switchTo: (to) => this.#switchTo(to), log,
		});
		const led = this.led = settings.flashLed === undefined ? undefined : new FlashLed({ PWM: io.PWM, Timer: io.Timer, pin: settings.flashLed });
		this.controls = new DeviceControls(sensor, capture, {
			storeFrameSize: (name) => storeFrameSize(io.Preference, settings.frameSize, name), restart: () => restartSoon("asked by the receiver"), moves, led,
		});
		this.trial = new UpdateTrial(io, FIRMWARE_VERSION, log);
		this.updater = new FirmwareUpdater({
			io, log,
			onVerified: (version) => {
				UpdateTrial.begin(io.Preference, version);
				restartSoon("into firmware " + version);
			},
		});

		let clock: DeviceClock | undefined;
		if (settings.tls) {
			clock = new DeviceClock(io.Time, io.Preference);
			clock.atLeast(settings.builtAt);
		}
		// One session per network settings: a move (app/network-move.ts) replaces it.
		this.#newSession = (settings) => {
			const { tls } = settings;
			const openPipe: OpenPipe = tls ? (options) => openTlsPipe(io.TLS, io.TCP, tls, options) : (options) => openTcpPipe(io.TCP, options);
			const target = () => session.receiver.server + ":" + session.receiver.port + (tls ? " (TLS)" : "");
			const session: Session = new Session({
				openPipe,
				resolver: new Resolver(io.Net), Timer: io.Timer, updates: this.updater,
				onWelcome: (serverTime) => {
					clock?.receiverSaid(serverTime);
					this.trial.welcomed();
				},
				receivers: settings.receivers,
				identity: {
					id: settings.id, firmware: FIRMWARE_VERSION, board: settings.board, sensor: capture.sensor,
					width: capture.width, height: capture.height,
				},
				controls: this.controls.list,
				prove: settings.key && hmacSha256(io, settings.key),
				datagrams: settings.frames === "udp" ? {
					// the SDK's UDP has close(), which its typings omit (reference/moddable-sdk.md, 2.2)
					open: () => new io.UDP({ format: "buffer" }) as unknown as DatagramSocket,
					mac: (key) => hmacSha256(io, key),
				} : undefined,
				onControl: (control) => this.controls.apply(control),
				deviceStats: () => ({
					uptime: Math.floor((Date.now() - startedAt) / 1000), captured: capture.captured, superseded: capture.superseded,
					rssi: this.link.rssi, freeHeap: io.Instrumentation.get(freeMemory),
				}),
				onChanged: (state, reason, retryIn) => {
					if (state !== "streaming") led?.watch(false); // without its receiver, nobody watches
					if (state === "resolving" && !reason) log("connecting to " + target());
					else if (state === "streaming") {
						log("streaming to " + target() + (session.datagramRate === undefined ? "" : ", frames as datagrams"));
						moves.welcomed();
					}
					else if (state === "waiting") {
						log(target() + ": " + reason + "; retry in " + seconds(retryIn!));
						moves.failed(target() + ": " + reason);
					}
				},
			});
			return session;
		};
		this.session = this.#newSession(settings);
		const setupFallback = this.#setupFallback = settings.setupPassword === "" ? undefined : new SetupFallback({
			Timer: io.Timer, Preference: io.Preference, ssid: settings.ssid, after: settings.setupAfter, restart: restartSoon,
		});
		this.link = new WifiLink({
			WiFi: io.WiFi, Timer: io.Timer, ssid: settings.ssid, password: settings.password,
			onChanged: (state, retryIn) => {
				if (state === "up") {
					log("wifi up " + this.link.address + " " + this.link.rssi + " dBm");
					setupFallback?.joined(this.#settings.ssid);
					this.session.start();
					return;
				}
				this.session.stop();
				if (state === "joining") log("wifi joining " + JSON.stringify(this.#settings.ssid));
				else {
					log("wifi down; retry in " + seconds(retryIn!));
					moves.failed("cannot join " + JSON.stringify(this.#settings.ssid));
				}
			},
		});
	}

	/** Leaves the current Wi-Fi (only when it changes) and receiver for those of `settings`. */
	#switchTo(settings: Settings): void {
		const before = this.#settings;
		this.#settings = settings;
		this.session.stop();
		this.session = this.#newSession(settings);
		if (settings.ssid !== before.ssid || settings.password !== before.password) {
			this.link.setCredentials(settings.ssid, settings.password);
			this.link.rejoin(); // up again: its onChanged starts the new session
		}
		else if (this.link.state === "up") this.session.start();
	}

	start(): void {
		this.link.start();
		this.capture.start();
		this.#cameraWatchdog = new CameraWatchdog({ ...this.#cameraRestarts, captured: () => this.capture.captured });
	}

	/** For the hosts (tests, simulator); a device runs until power-off. */
	close(): void {
		this.#moves.close();
		this.#setupFallback?.close();
		this.#cameraWatchdog?.close();
		this.session.stop();
		this.link.close();
		this.capture.close();
		this.led?.close();
	}
}

/** HMAC-SHA256 under `key`, with the SDK's native SHA-256 (crypt) and its HMAC (hmac). */
function hmacSha256(io: DeviceIO, key: Uint8Array): (input: Uint8Array) => Uint8Array {
	const hmac = new io.HMAC(new io.Digest("SHA256"), key);
	return (input) => new Uint8Array(hmac.process(input));
}

function seconds(ms: number): string {
	return (ms / 1000).toFixed(1) + " s";
}
