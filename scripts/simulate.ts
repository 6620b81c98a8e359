// `npm start`: the receiver and simulated cameras on this machine, no board and no Moddable SDK needed.
// Each simulated camera is the unchanged firmware of src/ on the Node host (hosttest/host/), in its own
// thread, streaming a moving test pattern over real TCP. With --server the cameras stream to a receiver
// elsewhere instead (one machine can load-test another). Ctrl-C stops everything and releases the ports.

import { Command, InvalidArgumentError, Option } from "commander";
import pino from "pino";
import { FRAME_RATE_MAX, FRAME_RATE_MIN } from "../src/camera/frame-pacer.ts";
import { frameSizeName } from "../src/camera/frame-sizes.ts";
import { OV2640 } from "../src/camera/sensors/ov2640.ts";
import { SimulatedDevice } from "../hosttest/host/simulated-device.ts";
import { CameraKeys } from "../server/auth/camera-keys.ts";
import { ViewerAccess } from "../server/auth/viewer-access.ts";
import { isXscamError } from "../server/errors.ts";
import { createReceiver, type Receiver } from "../server/receiver.ts";

function integer(min: number, max: number) {
	return (text: string) => {
		const value = Number(text);
		if (!/^[0-9]+$/.test(text) || value < min || value > max) throw new InvalidArgumentError("must be an integer " + min + " to " + max + ".");
		return value;
	};
}

function frameRate(text: string): number {
	const value = Number(text);
	if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || value < FRAME_RATE_MIN || value > FRAME_RATE_MAX)
		throw new InvalidArgumentError("must be " + FRAME_RATE_MIN + " to " + FRAME_RATE_MAX + " frames per second.");
	return value;
}

/** The simulated cameras are OV2640s: they take its sizes. */
function frameSize(text: string): string {
	const name = frameSizeName(text);
	if (name === undefined || !OV2640.frameSizes.includes(name)) throw new InvalidArgumentError("must be one of " + OV2640.frameSizes.join(", ") + ".");
	return name;
}

function server(text: string): { host: string; port: number } {
	const match = /^([A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(text);
	if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) throw new InvalidArgumentError("must be host:port, e.g. 192.168.1.10:8700.");
	return { host: match[1], port: Number(match[2]) };
}

const program = new Command("npm start --")
	.description("Runs the xscam receiver with simulated cameras: the real firmware on a simulated board, no hardware needed.")
	.addOption(new Option("--cameras <count>", "how many simulated cameras").default(1).argParser(integer(1, 500)))
	.addOption(new Option("--frame-size <name>", "frame size of each camera (" + OV2640.frameSizes.join(", ") + ")").default("VGA").argParser(frameSize))
	.addOption(new Option("--fps <rate>", "frame-rate cap of each camera").default(10).argParser(frameRate))
	.addOption(new Option("--server <host:port>", "stream to this receiver instead of starting one").argParser(server))
	.addOption(new Option("--keys-file <path>", "with --server: the cameras' keys (sim-1, sim-2, …), as that receiver's").default("xscam-keys.json"))
	.addOption(new Option("--http-port <port>", "the web page's port").default(8080).argParser(integer(0, 65535)))
	.addOption(new Option("--ingest-port <port>", "the cameras' port").default(8700).argParser(integer(0, 65535)))
	.addOption(new Option("--rtsp-port <port>", "the RTSP port, for NVRs and players").default(8554).argParser(integer(0, 65535)))
	.addOption(new Option("--host <address>", "the address the ports bind to").default("127.0.0.1"))
	.showSuggestionAfterError();
program.parse();
const options = program.opts<{
	cameras: number; frameSize: string; fps: number; server?: { host: string; port: number }; keysFile: string; httpPort: number; ingestPort: number; rtspPort: number; host: string;
}>();

function say(line: string): void {
	process.stdout.write(line + "\n");
}

/** The key of camera `id` in the keys file, as hex; none: that camera will not authenticate. */
function keyHex(keys: CameraKeys, id: string): string | undefined {
	const key = keys.get(id);
	if (key === undefined) say("npm start: no key for " + id + " in " + options.keysFile + ": it will not authenticate");
	return key && Buffer.from(key).toString("hex");
}

/** The receiver's structured log, as one short line per event for a person watching a terminal. */
const receiverLog = pino({ level: "info", base: undefined }, {
	write(line: string) {
		const { level, msg, camera } = JSON.parse(line) as { level: number; msg: string; camera?: string };
		const text = "receiver: " + (camera && !msg.includes(camera) ? camera + ": " : "") + msg;
		(level >= 50 ? process.stderr : process.stdout).write(text + "\n");
	},
});

let receiver: Receiver | undefined;
const devices: SimulatedDevice[] = [];
let stopping = false;

async function stop(code: number): Promise<never> {
	stopping = true;
	await Promise.all(devices.map((device) => device.stop()));
	await receiver?.close();
	process.exit(code);
}

process.on("SIGINT", () => {
	if (stopping) process.exit(130); // a second Ctrl-C: do not wait
	say("\nstopping…");
	void stop(0);
});
process.on("SIGTERM", () => void stop(0));

// Each simulated camera has a key of its own, as a flashed one does: made up for this run and kept in
// memory (a receiver elsewhere has the keys of its --keys-file; give the same file here).
const ids = Array.from({ length: options.cameras }, (_, n) => "sim-" + (n + 1));
const keys = new CameraKeys(options.server ? options.keysFile : undefined, (line) => say("npm start: " + line));
const keyOf = new Map(ids.map((id) => [id, options.server ? keyHex(keys, id) : keys.add(id)]));

// and a throw-away token for VLC, ffmpeg and the like, which cannot log in
const viewerAccess = new ViewerAccess(undefined);
const streamToken = viewerAccess.addToken("npm-start", ["view"]);

let target = options.server;
let liveView: string | undefined;
let streamUrls: ((id: string) => string) | undefined;
if (!target) {
	say("starting the receiver…");
	// this machine only, unless told otherwise: the demo's link and token are throw-away, but they open everything
	receiver = createReceiver({
		ingestPort: options.ingestPort, httpPort: options.httpPort, rtspPort: options.rtspPort, host: options.host, logger: receiverLog, cameraKeys: keys, viewerAccess,
	});
	try {
		const { ingestPort, httpPort, rtspPort } = await receiver.start();
		target = { host: "127.0.0.1", port: ingestPort };
		const name = options.host === "127.0.0.1" || options.host === "0.0.0.0" ? "localhost" : options.host;
		const origin = "http://" + name + ":" + httpPort;
		liveView = origin + "/?login=" + receiver.grantLogin();
		streamUrls = (id) => "  " + id + ": " + origin + "/cameras/" + id + "/stream.mjpeg?token=" + streamToken +
			"\n  " + " ".repeat(id.length) + "  rtsp://npm-start:" + streamToken + "@" + name + ":" + rtspPort + "/" + id;
	}
	catch (error) {
		process.stderr.write("npm start: " + (isXscamError(error) ? error.message : String(error)) +
			(isXscamError(error) && error.code === "XSCAM_ERR_PORT_IN_USE" ? " (is xscam already running? choose another with --http-port, --ingest-port or --rtsp-port)" : "") + "\n");
		await stop(1);
	}
}

say("starting " + options.cameras + " simulated camera" + (options.cameras > 1 ? "s" : "") + " (" + options.frameSize + ", at most " +
	options.fps + " fps) streaming to " + target!.host + ":" + target!.port + "…");
for (const id of ids) {
	devices.push(new SimulatedDevice({
		id, key: keyOf.get(id), server: target!.host, port: target!.port, frameSize: options.frameSize, frameRate: options.fps,
		onTrace: (line) => say(id + ": " + line.replace(/^xscam: /, "")),
	}));
}
if (liveView) {
	say("\nlive view: " + liveView + "   (a one-time link; Ctrl-C stops)");
	say("streams for VLC, ffmpeg or an NVR (MJPEG, and RTSP):");
	for (const id of ids.slice(0, 10)) say(streamUrls!(id));
	if (ids.length > 10) say("  … and the same for " + ids.slice(10).join(", ").replace(/^(.{60}).+$/, "$1…"));
	say(options.host === "127.0.0.1" ? "(this machine only: --host 0.0.0.0 opens it to your network)\n" : "");
}
