// A simulated board on Node: real sockets (node:net), real DNS, Node's timers (which vitest can fake),
// a sensor that makes real JPEGs, and a radio whose access points the caller controls.

import { createHash } from "node:crypto";
import { createSocket } from "node:dgram";
import { lookup } from "node:dns";
import { existsSync, readFileSync } from "node:fs";
import { createServer, isIPv4, Socket } from "node:net";
import { Duplex } from "node:stream";
import { checkServerIdentity, connect as connectTls } from "node:tls";
import { sensorModel } from "../../modules/sim/camera/sensor-models";
import {
	newCameraCounts, newSensorRegisters, type Board, type ConfigSource, type Network, type Sensor, type TlsEngine, type TlsEngineEvents,
	type TlsTrust, type Wire, type WireEvents,
} from "./board";
import { flashedSlots, type FirmwareSlots } from "./firmware-slots";
import { Radio, type AccessPointOptions, type RadioOptions } from "./radio";
import { renderTestPattern } from "./test-pattern";

export interface NodeBoardOptions {
	config: ConfigSource;
	accessPoints?: AccessPointOptions[];
	radio?: RadioOptions;
	/** The sensor's frames; an OV2640 making a moving test pattern by default. */
	sensor?: Partial<Omit<Sensor, "registers">>;
	/** Free heap to report; undefined acts as a release build. */
	freeMemory?: number;
	/** Where the firmware's trace() goes; stdout by default. */
	trace?: (text: string) => void;
	/** Folders whose files are the app's resources; the lin simulator camera's frames by default. */
	resourceFolders?: URL[];
	/** Where the firmware's Time.set() goes (ms since the epoch): Node's clock cannot be set. */
	onSetDate?: (ms: number) => void;
	/** The OTA slots; a board as flashed by USB when absent. */
	firmware?: FirmwareSlots;
	/** The firmware asked for a restart: the owner boots it again (simulated-device.ts, a test); traced when absent. */
	onRestart?: () => void;
	/**
	 * Where a listener of the firmware's listens on loopback: the port it asked for by default, or 0 for
	 * any (a test, as the device's port 80 needs root); `onListening` learns the one it got.
	 */
	listenOn?: (port: number) => number;
	onListening?: (port: number, hostPort: number) => void;
	/** Puts something between the firmware's sockets and the real ones (hosttest/net/: a bad network). */
	network?: (real: Network) => Network;
}

const SIM_FRAMES = new URL("../../modules/sim/camera/frames/", import.meta.url);

export function createNodeBoard(options: NodeBoardOptions): Board {
	const timers = {
		setTimer: (callback: () => void, ms: number) => setTimeout(callback, ms),
		clearTimer: (handle: unknown) => clearTimeout(handle as NodeJS.Timeout),
	};
	const radio = new Radio(timers, options.radio);
	const trace = options.trace ?? ((text: string) => void process.stdout.write(text));
	const network = nodeNetwork(options, radio, trace);
	for (const accessPoint of options.accessPoints ?? []) radio.addAccessPoint(accessPoint);
	const id = String(options.config.commandLine.id ?? options.config.manifest.id ?? "camera");
	const model = options.sensor?.model ?? "OV2640";
	const sensor: Sensor = {
		model,
		fps: options.sensor?.fps ?? sensorModel(model).fps,
		registers: newSensorRegisters(),
		faults: options.sensor?.faults,
		capture: options.sensor?.capture ??
			((width, height, frameNumber, time) => renderTestPattern({ width, height, cameraId: id, frameNumber, captureTime: time })),
	};
	return {
		now: () => Date.now(),
		...timers,
		defer: (callback) => queueMicrotask(callback), // later than the call, before other IO (fake timers leave it alone)
		trace,
		config: options.config,
		radio,
		network: options.network?.(network) ?? network,
		sensor,
		frames: {
			hold: (bytes) => bytes.slice().buffer,
			unchanged: (buffer, bytes) => Buffer.from(buffer).equals(bytes),
			detach: (buffer) => void structuredClone(buffer, { transfer: [buffer] }),
		},
		cameraCounts: newCameraCounts(),
		preferences: new Map(),
		pwm: [],
		freeMemory: () => options.freeMemory,
		digest: (name, bytes) => createHash(name.toLowerCase()).update(bytes).digest(),
		resource(path) {
			const file = (options.resourceFolders ?? [SIM_FRAMES]).map((folder) => new URL(path, folder)).find((url) => existsSync(url));
			return file && new Uint8Array(readFileSync(file));
		},
		tlsClient: nodeTlsClient,
		setDate: (ms) => options.onSetDate?.(ms),
		firmware: options.firmware ?? flashedSlots(),
		restart: options.onRestart ?? (() => process.stdout.write("host: the firmware asked for a restart; this board does not boot again by itself\n")),
	};
}

/**
 * What the SDK's TLS client offers (modules/crypt/ssl/ssl_ciphersuites.js and ssl_handshake.js): TLS
 * 1.2, these suites, the P-256 curve, SHA-256 signatures. A receiver that would not agree with the
 * device fails here as it would there.
 */
const SDK_OFFER = {
	minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ecdhCurve: "P-256", sigalgs: "ecdsa_secp256r1_sha256:rsa_pkcs1_sha256",
	ciphers: "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-SHA256:" +
		"DHE-RSA-AES128-SHA256:DHE-RSA-AES256-SHA256:AES128-SHA256:AES256-SHA256:AES128-SHA:AES256-SHA",
} as const;

/** Node's TLS over a stream whose other end is the firmware's TCP socket (host tls.ts pumps it). */
function nodeTlsClient(trust: TlsTrust, events: TlsEngineEvents): TlsEngine {
	const wire = new Duplex({
		read() {},
		write(chunk: Buffer, _encoding, done) {
			events.onCiphertext(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
			done();
		},
	});
	const pem = "-----BEGIN CERTIFICATE-----\n" + Buffer.from(trust.ca).toString("base64").replace(/.{64}/g, "$&\n") + "\n-----END CERTIFICATE-----\n";
	const socket = connectTls({
		socket: wire, ca: pem, ...SDK_OFFER,
		servername: isIPv4(trust.host) ? undefined : trust.host, // SNI takes names only
		checkServerIdentity: (_name, certificate) => checkServerIdentity(trust.host, certificate),
	});
	socket.on("secureConnect", () => events.onSecure());
	socket.on("data", (data: Buffer) => events.onPlaintext(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
	socket.on("error", (error) => events.onFailed(error.message)); // once; a failed handshake reported it already
	return {
		receive(bytes) {
			wire.push(Buffer.from(bytes)); // Node's TLS reads it now, inside this call, as the SDK's does inside onReadable
			if (socket.errored) events.onFailed(socket.errored.message); // and a handshake that failed has failed by now
		},
		send: (bytes) => void socket.write(bytes),
		close: () => socket.destroy(),
	};
}

/** Linux routes all of 127/8 to loopback and binds any of it: a station given such an address is seen by it. */
const LOOPBACK = /^127\./;

function nodeNetwork(options: NodeBoardOptions, radio: Radio, trace: (text: string) => void): Network {
	return {
		connect(address, port, events) {
			const socket = new Socket();
			socket.setNoDelay(true);
			socket.on("connect", () => events.onConnected());
			const station = radio.address;
			socket.connect({ port, host: address, localAddress: station !== undefined && LOOPBACK.test(station) ? station : undefined });
			return socketWire(socket, events);
		},
		datagrams() {
			const socket = createSocket("udp4");
			socket.on("error", (error) => trace("host: datagram socket: " + error.message + "\n"));
			return {
				send: (bytes, address, port) => socket.send(Buffer.from(bytes), port, address), // a copy: the firmware reuses its buffer
				close: () => socket.close(),
			};
		},
		resolve(host, callback) {
			lookup(host, { family: 4 }, (error, address) => callback(error ? undefined : address));
		},
		listen(port, onIncoming) {
			const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => onIncoming({
				address: socket.remoteAddress!.replace(/^::ffff:/, ""), port: socket.remotePort!,
				attach(events) {
					const wire = socketWire(socket, events);
					socket.resume();
					return wire;
				},
				reject: () => void socket.destroy(),
			}));
			let hostPort = 0; // bound in a later turn: Node binds asynchronously, lwIP at once
			server.on("listening", () => {
				hostPort = (server.address() as { port: number }).port;
				options.onListening?.(port, hostPort);
			});
			server.on("error", (error) => trace("host: cannot listen on port " + port + " (" + error.message + ")\n"));
			server.listen(options.listenOn?.(port) ?? port, "127.0.0.1");
			return { get port() { return port || hostPort; }, close: () => void server.close() };
		},
	};
}

/** A Node socket as a Wire, its events once each (a close after an error is not a second one). */
function socketWire(socket: Socket, events: WireEvents): Wire {
	let closed = false;
	const close = (error: boolean) => {
		if (closed) return;
		closed = true;
		events.onClosed(error);
	};
	socket.on("data", (data: Buffer) => events.onData(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
	socket.on("end", () => close(false));
	socket.on("error", () => close(true));
	socket.on("close", (hadError) => close(hadError));
	return {
		write: (bytes) => {
			const copy = Buffer.from(bytes); // the caller may reuse or detach its buffer at once
			socket.write(copy, (error) => {
				if (!error) events.onSent(copy.byteLength);
			});
		},
		setReceiving: (receiving) => void (receiving ? socket.resume() : socket.pause()),
		close: () => {
			closed = true; // the firmware closed it: no more events
			socket.destroy();
		},
	};
}
