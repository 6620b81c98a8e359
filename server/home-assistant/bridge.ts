// Home Assistant by MQTT discovery (docs/home-assistant.md), the receiver's part that talks to a broker
// (mqtt.js, loaded only when --mqtt is given). Every camera the registry knows is announced as a device
// with its entities (discovery.ts), its availability and state follow the registry's changes (and every
// few seconds for the numbers), its latest frame goes to its image topic every --mqtt-snapshot-interval,
// and a command on one of its set topics becomes a control request, checked, rate-limited and logged as
// the API's are. The broker may go away at any time: mqtt.js reconnects, and every connection, like Home
// Assistant's birth message, publishes everything again, since a broker without persistence forgets
// retained messages. Nothing is queued while disconnected (it would grow without end); all is current
// again on the next connection.

import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { MqttClient } from "mqtt";
import type { ControlDescription } from "../../src/protocol/types";
import type { Camera, ReceivedFrame } from "../cameras/camera";
import type { Cancel } from "../clock";
import type { Core, Part } from "../core";
import { isXscamError, xscamError } from "../errors";
import { PER_CAMERA } from "../http/api-routes";
import { requestControl } from "../http/control-body";
import { ControlRate } from "../http/control-rate";
import type { CameraStatus } from "../http/status";
import { mqttCredentials } from "./credentials";
import { discoveryConfigs } from "./discovery";
import { commandValue } from "./settings";
import { cameraState } from "./state";
import { receiverName, Topics } from "./topics";

/** How often the numbers of every camera's state are published. */
const STATE_INTERVAL_MS = 5000;
const RECONNECT_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;
/** How long close() waits for the broker to take the last messages before it drops the connection. */
const CLOSE_WAIT_MS = 2000;
/** A setting's value is a number or a short name; a longer payload is not a command. */
const MAX_COMMAND_BYTES = 64;
/** Who the log names as having sent a command. */
const WHO = "Home Assistant (MQTT)";

export function registerHomeAssistant(core: Core, status: (camera: Camera) => CameraStatus): Part {
	const { options, log, clock, cameras } = core;
	const credentials = mqttCredentials(options); // now: an unreadable password file stops the receiver at start
	const broker = options.mqttUrl; // never holds credentials (options.ts refuses them)
	const topics = new Topics(options.mqttPrefix, receiverName(hostname()));
	const perCamera = new ControlRate(clock, PER_CAMERA);
	const announced = new Map<string, Set<string>>(); // camera id -> the config topics last published for it
	// The settings each camera last announced: between a reconnection's hello and its capabilities the
	// registry knows none, and announcing none would delete its setting entities (and their history) in Home Assistant.
	const described = new Map<string, ControlDescription[]>();
	const imaged = new Map<string, ReceivedFrame>(); // camera id -> the frame last published to its image topic
	const toEmpty = new Set<string>(); // retained topics of removed cameras, emptied on the next connection if not yet
	const cancels: Cancel[] = [];
	let client: MqttClient | undefined;
	let connected = false;
	let failure: string | undefined; // the last failure logged; the same one is not logged at every retry

	// Everything is retained, so Home Assistant finds it when it (re)subscribes; QoS 0, since all of it is
	// published again on the next connection anyway.
	const publish = (topic: string, payload: string | Buffer) => {
		if (connected) client!.publish(topic, payload, { qos: 0, retain: true });
	};
	const controlsOf = (camera: Camera) => camera.presence.controls ?? described.get(camera.id);

	function publishState(camera: Camera): void {
		publish(topics.camera(camera.id).state, JSON.stringify(cameraState(status(camera), controlsOf(camera), cameras.knownSettings(camera))));
	}

	function publishPresence(camera: Camera): void {
		publish(topics.camera(camera.id).availability, camera.presence.connection ? "online" : "offline");
		publishState(camera);
	}

	/** Its configs (emptying those of settings it no longer announces), availability and state. */
	function announce(camera: Camera): void {
		if (camera.presence.controls) described.set(camera.id, camera.presence.controls);
		if (!connected) return; // all of it at the next connection
		const configs = discoveryConfigs(camera.id, camera.presence.hello, controlsOf(camera), topics);
		const now = new Set(configs.map((config) => config.topic));
		for (const topic of announced.get(camera.id) ?? []) if (!now.has(topic)) publish(topic, "");
		for (const { topic, payload } of configs) publish(topic, JSON.stringify(payload));
		announced.set(camera.id, now);
		publishPresence(camera);
	}

	/** An empty retained config deletes the entity in Home Assistant; the camera's other retained topics go too. */
	function forget(camera: Camera): void {
		const own = topics.camera(camera.id);
		for (const topic of [...(announced.get(camera.id) ?? []), own.availability, own.state, own.image]) toEmpty.add(topic);
		announced.delete(camera.id);
		described.delete(camera.id);
		imaged.delete(camera.id);
		emptyForgotten();
	}

	function emptyForgotten(): void {
		if (!connected) return;
		for (const topic of toEmpty) publish(topic, "");
		toEmpty.clear();
	}

	function publishImages(): void {
		if (!connected) return;
		for (const camera of cameras.list()) {
			const latest = camera.intake.latest;
			if (latest === undefined || imaged.get(camera.id) === latest) continue;
			publish(topics.camera(camera.id).image, latest.jpeg);
			imaged.set(camera.id, latest);
		}
	}

	function onConnect(): void {
		connected = true;
		failure = undefined;
		log.info({ broker, prefix: topics.prefix }, "connected to the MQTT broker " + broker + ": cameras announced to Home Assistant under " + topics.prefix + "/");
		publish(topics.status, "online");
		client!.subscribe([topics.birth, topics.commands, topics.availabilities], { qos: 0 });
		emptyForgotten();
		imaged.clear(); // a broker that restarted has no image retained
		for (const camera of cameras.list()) announce(camera);
		publishImages();
	}

	function onFailure(reason: string): void {
		if (reason === failure) return;
		failure = reason;
		const { code, message } = xscamError("XSCAM_ERR_MQTT", broker, reason, RECONNECT_MS / 1000);
		log.warn({ broker, code }, message);
	}

	function onMessage(topic: string, payload: Buffer): void {
		if (topic === topics.birth) {
			if (payload.toString() === "online") for (const camera of cameras.list()) announce(camera); // Home Assistant (re)started
			return;
		}
		const availabilityOf = topics.availabilityOf(topic);
		if (availabilityOf !== undefined) {
			// a camera left "online" by a receiver that stopped without saying so (or our own echo, then it is online)
			if (payload.toString() === "online" && cameras.get(availabilityOf)?.presence.connection === undefined) publish(topic, "offline");
			return;
		}
		const command = topics.command(topic);
		if (command !== undefined) void carryOut(topic, command.cameraId, command.key, payload);
	}

	/** One command: a control request of one setting. Whatever happens, the camera's state follows, so Home Assistant shows what it has. */
	async function carryOut(topic: string, cameraId: string, key: string, payload: Buffer): Promise<void> {
		const camera = cameras.get(cameraId);
		try {
			if (payload.length > MAX_COMMAND_BYTES) throw xscamError("XSCAM_ERR_BAD_CONTROL", "a command of " + payload.length + " bytes; at most " + MAX_COMMAND_BYTES);
			if (camera === undefined) throw xscamError("XSCAM_ERR_CAMERA_NOT_FOUND", JSON.stringify(cameraId));
			if (!perCamera.take(camera.id)) throw xscamError("XSCAM_ERR_CONTROL_RATE", "camera " + camera.id, PER_CAMERA, "control requests");
			const control = controlsOf(camera)?.find((candidate) => candidate.key === key);
			await requestControl(core, camera, { [key]: commandValue(control, payload.toString("utf8")) }, WHO);
		}
		catch (error) {
			if (!isXscamError(error)) log.error({ err: error, camera: cameraId, topic }, "a command on " + topic + " failed: " + (error as Error).message);
			else log.warn({ camera: cameraId, topic, code: error.code }, "a command on " + topic + " was not carried out: " + error.message);
		}
		if (camera !== undefined && cameras.get(camera.id) === camera) publishState(camera);
	}

	const unsubscribe = cameras.subscribe((camera, change) => {
		if (change === "online" || change === "described") announce(camera);
		else if (change === "removed") forget(camera);
		else publishPresence(camera);
	});

	return {
		async start() {
			const { connect } = await import("mqtt"); // here, not at the top: without --mqtt it is never loaded
			client = connect(broker, {
				...credentials,
				clientId: "xscam-" + receiverName(hostname()) + "-" + randomBytes(4).toString("hex"),
				will: { topic: topics.status, payload: Buffer.from("offline"), qos: 1, retain: true },
				reconnectPeriod: RECONNECT_MS,
				reconnectOnConnackError: true, // refused credentials are retried too: the broker's users may be fixed while we run
				connectTimeout: CONNECT_TIMEOUT_MS,
				resubscribe: false, // onConnect subscribes, on every connection
				queueQoSZero: false,
			});
			client.on("connect", onConnect);
			client.on("message", onMessage);
			// a socket's errno code (ECONNREFUSED), else the message: a refused login's code is MQTT's number, its message says "Not authorized"
			client.on("error", (error) => {
				const { code } = error as { code?: unknown };
				onFailure(typeof code === "string" ? code : error.message);
			});
			client.on("close", () => {
				if (connected) onFailure("the connection was lost");
				connected = false;
			});
			cancels.push(clock.every(STATE_INTERVAL_MS, () => { for (const camera of cameras.list()) publishState(camera); }));
			cancels.push(clock.every(options.mqttSnapshotIntervalMs, publishImages));
		},
		async close() {
			unsubscribe();
			for (const cancel of cancels) cancel();
			if (client === undefined) return;
			publish(topics.status, "offline"); // a clean disconnect does not send the will
			connected = false; // nothing more is published, and the connection's end is no failure
			const ending = client;
			await new Promise<void>((resolve) => {
				const cancel = clock.after(CLOSE_WAIT_MS, () => ending.end(true, {}, () => resolve()));
				ending.end(false, {}, () => {
					cancel();
					resolve();
				});
			});
		},
	};
}
