// Home Assistant by MQTT discovery against a real broker: Debian's mosquitto (users, no persistence), a
// real receiver that logs in to it, a camera that speaks the protocol, and mqtt.js subscribed as Home
// Assistant subscribes (<prefix>/#, then the topics the configs name). Every config is checked against
// what Home Assistant documents for its platform, commands are sent as its platforms send them, and the
// broker is killed and started again on its port, forgetting everything it held.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect as connectTcp, createServer } from "node:net";
import { hostname, tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerMessage } from "../../src/protocol/types";
import { receiverName } from "../../server/home-assistant/topics";
import type { Receiver } from "../../server/receiver";
import { captureLog, type LogLine } from "../server/helpers/harness";
import { type Component, configProblems, discoveryTopicPattern, renderValueTemplate, stateProblem } from "../server/helpers/home-assistant-schema";
import { feed, startE2eReceiver, type Feed } from "./feed";

const PREFIX = "homeassistant";
const RECEIVER_PASSWORD = "a receiver's broker password";
const HA_PASSWORD = "home assistant's broker password";
/** What an OV2640 camera is announced as, written out here rather than taken from the code under test. */
const ENTITIES = [
	"camera/camera", "binary_sensor/connectivity", "sensor/fps", "sensor/kbps", "sensor/latency", "sensor/rssi", "sensor/uptime", "sensor/frames_lost",
	"sensor/frames_dropped", "number/setting_frameRate", "number/setting_brightness", "number/setting_contrast", "number/setting_saturation",
	"select/setting_whiteBalance", "select/setting_frameSize", "button/setting_restart",
];
const CONFIG_TOPICS = ENTITIES.map((entity) => {
	const [component, object] = entity.split("/");
	return PREFIX + "/" + component + "/xscam_porch/" + object + "/config";
});
const OWN = "xscam/" + receiverName(hostname()); // the receiver's own topics

/** Waits in real time until `condition` holds; the bound turns a hang into a readable failure. */
async function eventually(condition: () => boolean, what: string, ms = 20_000): Promise<void> {
	for (const end = Date.now() + ms; Date.now() < end;) {
		if (condition()) return;
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	throw new Error("gave up waiting for " + what);
}

function freePort(): Promise<number> {
	return new Promise((resolve) => {
		const server = createServer().listen(0, "127.0.0.1", () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}

function accepts(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connectTcp(port, "127.0.0.1", () => {
			socket.destroy();
			resolve(true);
		});
		socket.on("error", () => resolve(false));
	});
}

/** mosquitto on `port` with two users, anonymous clients refused, and nothing kept across a restart. */
class Broker {
	readonly #config: string;
	readonly port: number;
	#child: ChildProcess | undefined;
	#stderr = "";

	constructor(dir: string, port: number) {
		this.port = port;
		const passwords = join(dir, "passwords");
		execFileSync("mosquitto_passwd", ["-b", "-c", passwords, "xscam", RECEIVER_PASSWORD]);
		execFileSync("mosquitto_passwd", ["-b", passwords, "ha", HA_PASSWORD]);
		this.#config = join(dir, "mosquitto.conf");
		// as root, mosquitto would change to its own user, who cannot read this directory; `user` is ignored otherwise
		writeFileSync(this.#config, ["listener " + port + " 127.0.0.1", "allow_anonymous false", "password_file " + passwords, "persistence false",
			"user " + userInfo().username, "log_dest stderr", ""].join("\n"));
	}

	async start(): Promise<void> {
		const child = spawn("mosquitto", ["-c", this.#config], { stdio: ["ignore", "ignore", "pipe"] });
		this.#child = child;
		child.stderr!.on("data", (chunk) => { this.#stderr += chunk; });
		for (const end = Date.now() + 20_000; !(await accepts(this.port));) {
			if (child.exitCode !== null || Date.now() > end) throw new Error("mosquitto did not start: " + this.#stderr);
			await new Promise((resolve) => setTimeout(resolve, 50));
		}
	}

	/** Ends it at once, as a crash or a power cut does: SIGKILL, nothing saved. */
	async kill(): Promise<void> {
		const child = this.#child;
		this.#child = undefined;
		if (child === undefined || child.exitCode !== null) return;
		await new Promise<void>((resolve) => {
			child.once("exit", () => resolve());
			child.kill("SIGKILL");
		});
	}
}

interface Seen {
	topic: string;
	payload: Buffer;
	retain: boolean;
}

/** Home Assistant's side: every message of its prefix and of the receiver's topics, and what is retained now. */
class HomeAssistantView {
	readonly client: MqttClient;
	readonly seen: Seen[] = [];
	/** The retained message of each topic, as far as this client knows: reset when it reconnects. */
	readonly retained = new Map<string, Buffer>();
	connections = 0;

	constructor(port: number) {
		this.client = mqtt.connect("mqtt://127.0.0.1:" + port, { username: "ha", password: HA_PASSWORD, reconnectPeriod: 300, clean: true });
		this.client.on("error", () => {}); // the broker going away is part of the test
		this.client.on("connect", () => {
			this.connections++;
			this.retained.clear();
			this.client.subscribe([PREFIX + "/#", OWN + "/#"], { qos: 0 });
		});
		this.client.on("message", (topic, payload, packet) => {
			this.seen.push({ topic, payload, retain: packet.retain });
			if (payload.length === 0) this.retained.delete(topic);
			else this.retained.set(topic, payload);
		});
	}

	config(topic: string): { [field: string]: any } {
		return JSON.parse(this.retained.get(topic)!.toString());
	}

	text(topic: string): string | undefined {
		return this.retained.get(topic)?.toString();
	}

	/** Resolves once every message published before this call has reached this client (the broker keeps a client's order). */
	async settled(): Promise<void> {
		const marker = PREFIX + "-e2e/marker/" + Math.random();
		await this.client.subscribeAsync(marker);
		const before = this.seen.length;
		await this.client.publishAsync(marker, "x");
		await eventually(() => this.seen.slice(before).some((message) => message.topic === marker), "the marker");
	}

	close(): Promise<void> {
		return this.client.endAsync(true);
	}
}

let dir: string;
let broker: Broker;
let receiver: Receiver;
let base: string;
let token: string;
let camera: Feed;
let ha: HomeAssistantView;
let lines: LogLine[];

const controlsAtCamera = () => camera.camera.received.filter((message): message is Extract<ServerMessage, { type: "control" }> => message.type === "control");
const stateOf = () => ha.text(ha.config(CONFIG_TOPICS[2]).state_topic);
const componentOf = (topic: string) => discoveryTopicPattern(PREFIX).exec(topic)!.groups!.component as Component;

beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), "xscam-ha-e2e-"));
	broker = new Broker(dir, await freePort());
	await broker.start();
	ha = new HomeAssistantView(broker.port);
	await eventually(() => ha.connections === 1, "Home Assistant on the broker");
	// an earlier receiver that died left a camera "online": this one says it is not
	await ha.client.publishAsync(OWN + "/ghost/availability", "online", { retain: true });
	writeFileSync(join(dir, "mqtt-password"), RECEIVER_PASSWORD + "\n");
	const log = captureLog();
	lines = log.lines;
	const started = await startE2eReceiver({
		logger: log.logger, mqttUrl: "mqtt://127.0.0.1:" + broker.port, mqttUsername: "xscam", mqttPasswordFile: join(dir, "mqtt-password"),
		mqttSnapshotIntervalMs: 1000,
	});
	({ receiver, base, token } = started);
	camera = await feed(started.ingestPort, "porch", { fps: 5 });
	// the camera applies what it can now and keeps the frame size for its next start, as the firmware does
	camera.camera.answerControls(({ frameSize, ...now }) => ({ applied: now, pending: frameSize === undefined ? {} : { frameSize } }));
});

afterAll(async () => {
	await camera?.stop();
	await ha?.close();
	await receiver?.close();
	await broker?.kill();
	rmSync(dir, { recursive: true, force: true });
});

describe("Home Assistant by MQTT discovery", () => {
	it("announces the camera as a device whose every config is as Home Assistant documents it", async () => {
		await eventually(() => CONFIG_TOPICS.every((topic) => ha.retained.has(topic)), "every config");
		await ha.settled();
		expect([...ha.retained.keys()].filter((topic) => topic.startsWith(PREFIX + "/") && topic.endsWith("/config")).sort()).toEqual([...CONFIG_TOPICS].sort());
		for (const topic of CONFIG_TOPICS) {
			const config = ha.config(topic);
			expect(configProblems(componentOf(topic), config), topic).toEqual([]);
			expect(config.device).toEqual({ identifiers: ["xscam_porch"], name: "porch", manufacturer: "xscam", model: "test (OV2640)", sw_version: "0.1.0" });
		}
		expect(new Set(CONFIG_TOPICS.map((topic) => ha.config(topic).unique_id)).size).toBe(CONFIG_TOPICS.length);
		// every availability topic a config names says "online", retained; the receiver's is its will
		const status = OWN + "/status";
		for (const topic of CONFIG_TOPICS) for (const { topic: availability } of ha.config(topic).availability) expect(ha.text(availability), topic).toBe("online");
		expect(ha.config(CONFIG_TOPICS[1]).availability).toEqual([{ topic: status }]);
		await eventually(() => ha.text(OWN + "/ghost/availability") === "offline", "the ghost camera offline");
		expect(JSON.stringify(lines)).not.toContain(RECEIVER_PASSWORD);
	});

	it("says in one line why a broker refuses its login, and runs on without it", async () => {
		writeFileSync(join(dir, "wrong-password"), "not the password\n");
		const log = captureLog();
		const refused = await startE2eReceiver({
			logger: log.logger, mqttUrl: "mqtt://127.0.0.1:" + broker.port, mqttUsername: "xscam", mqttPasswordFile: join(dir, "wrong-password"),
		});
		try {
			await eventually(() => log.lines.some((line) => line.code === "XSCAM_ERR_MQTT"), "the refusal");
			expect(log.lines.filter((line) => line.code === "XSCAM_ERR_MQTT").map((line) => line.msg)).toEqual([
				"cannot use the MQTT broker mqtt://127.0.0.1:" + broker.port + ": Connection refused: Not authorized; trying again every 5 s",
			]);
			expect((await fetch(refused.base + "/api/cameras", { headers: { authorization: "Bearer " + refused.token } })).status).toBe(200);
			expect(JSON.stringify(log.lines)).not.toContain("not the password");
		}
		finally {
			await refused.receiver.close();
		}
	});

	it("publishes the state every entity reads, and the latest frame as a JPEG", async () => {
		await eventually(() => {
			const state = stateOf();
			return state !== undefined && JSON.parse(state).fps > 0 && JSON.parse(state).rssi === -58;
		}, "a state with the frame rate and the camera's stats");
		const state = stateOf()!;
		// all but the camera, which shows its image topic, and the button, which has no state
		for (const topic of CONFIG_TOPICS.slice(1).filter((topic) => componentOf(topic) !== "button")) {
			const config = ha.config(topic);
			const message = ha.text(config.state_topic)!;
			const rendered = config.value_template === undefined ? message : renderValueTemplate(config.value_template, message);
			expect(stateProblem(componentOf(topic), config, rendered), topic + ": " + rendered).toBeUndefined();
		}
		expect(JSON.parse(state)).toMatchObject({ online: true, rssi: -58, framesLost: 0, settings: { brightness: null, frameSize: null } });
		const image = ha.config(CONFIG_TOPICS[0]).topic;
		await eventually(() => ha.retained.has(image), "an image");
		const picture = jpeg.decode(ha.retained.get(image)!, { useTArray: true });
		expect([picture.width, picture.height]).toEqual([320, 240]);
	});

	it("carries out Home Assistant's commands on the camera, and then shows what it has", async () => {
		const commands: [entity: number, payload: string, settings: object, shown: string][] = [
			[10, "1", { brightness: 1 }, "1"], // a number sends its value, an integer without ".0"
			[13, "cloudy", { whiteBalance: 2 }, "cloudy"], // a select sends the option
			[14, "SVGA", { frameSize: "SVGA" }, "SVGA"],
		];
		for (const [entity, payload, settings, shown] of commands) {
			const config = ha.config(CONFIG_TOPICS[entity]);
			const before = controlsAtCamera().length;
			await ha.client.publishAsync(config.command_topic, payload);
			await eventually(() => controlsAtCamera().length === before + 1, "the control at the camera");
			expect(controlsAtCamera()[before].settings).toEqual(settings);
			await eventually(() => renderValueTemplate(config.value_template, stateOf()!) === shown, CONFIG_TOPICS[entity] + " showing " + shown);
		}
		expect(lines.filter((line) => /^camera porch answered control request \d+ of Home Assistant \(MQTT\)$/.test(line.msg))).toHaveLength(3);
		// the restart button sends its one value
		const restart = ha.config(CONFIG_TOPICS[15]);
		const beforeRestart = controlsAtCamera().length;
		await ha.client.publishAsync(restart.command_topic, restart.payload_press);
		await eventually(() => controlsAtCamera().length === beforeRestart + 1, "the restart at the camera");
		expect(controlsAtCamera()[beforeRestart].settings).toEqual({ restart: "now" });
		// a change through the API shows too
		const response = await fetch(base + "/api/cameras/porch/control", {
			method: "POST", headers: { authorization: "Bearer " + token, "content-type": "application/json" }, body: JSON.stringify({ contrast: -1 }),
		});
		expect(response.status).toBe(200);
		await eventually(() => renderValueTemplate(ha.config(CONFIG_TOPICS[11]).value_template, stateOf()!) === "-1", "the contrast set through the API");
	});

	it("ignores a command it cannot carry out, with one warning line each, and goes on", async () => {
		const before = controlsAtCamera().length;
		const warned = lines.filter((line) => line.level === 40).length;
		const brightness = ha.config(CONFIG_TOPICS[10]).command_topic as string;
		await ha.client.publishAsync(brightness, "bright");
		await ha.client.publishAsync(brightness, "5");
		await ha.client.publishAsync(OWN + "/ghost/set/brightness", "1");
		await ha.client.publishAsync(brightness, "1".repeat(100));
		await eventually(() => lines.filter((line) => line.level === 40).length === warned + 4, "four warnings");
		// in any order: the checks before the control request is made answer sooner than those inside it
		expect(lines.filter((line) => line.level === 40).slice(warned).map((line) => line.code + " " + line.msg).sort()).toEqual([
			"XSCAM_ERR_BAD_CONTROL a command on " + brightness + " was not carried out: bad control request: a command of 100 bytes; at most 64",
			"XSCAM_ERR_BAD_CONTROL a command on " + brightness + " was not carried out: bad control request: brightness must be an integer from -2 to 2, got \"bright\"",
			"XSCAM_ERR_BAD_CONTROL a command on " + brightness + " was not carried out: bad control request: brightness must be an integer from -2 to 2, got 5",
			"XSCAM_ERR_CAMERA_NOT_FOUND a command on " + OWN + "/ghost/set/brightness was not carried out: no camera \"ghost\"",
		]);
		expect(controlsAtCamera()).toHaveLength(before);
		await ha.client.publishAsync(brightness, "-1");
		await eventually(() => controlsAtCamera().length === before + 1, "the next good command at the camera");
		expect(controlsAtCamera()[before].settings).toEqual({ brightness: -1 });
	});

	it("announces everything again when Home Assistant says it is online", async () => {
		const before = ha.seen.length;
		await ha.client.publishAsync(PREFIX + "/status", "online");
		// forwarded as they are published, not as retained messages of a new subscription
		await eventually(() => CONFIG_TOPICS.every((topic) => ha.seen.slice(before).some((seen) => seen.topic === topic && !seen.retain)), "every config again");
	});

	it("loses no entity when the broker goes away and comes back without what it held", async () => {
		const connected = () => lines.filter((line) => line.msg.startsWith("connected to the MQTT broker mqtt://127.0.0.1:" + broker.port)).length;
		expect(connected()).toBe(1);
		await broker.kill();
		await eventually(() => lines.some((line) => line.code === "XSCAM_ERR_MQTT"), "the receiver saying it lost the broker");
		expect(lines.find((line) => line.code === "XSCAM_ERR_MQTT")).toMatchObject({
			level: 40, msg: expect.stringMatching("^cannot use the MQTT broker mqtt://127\\.0\\.0\\.1:" + broker.port + ": .+; trying again every 5 s$"),
		});
		await broker.start();
		await eventually(() => ha.connections === 2, "Home Assistant back on the broker");
		await eventually(() => connected() === 2, "the receiver back on the broker", 30_000);
		await eventually(() => CONFIG_TOPICS.every((topic) => ha.retained.has(topic)) && stateOf() !== undefined, "every config and the state again");
		await ha.settled();
		for (const topic of CONFIG_TOPICS) expect(configProblems(componentOf(topic), ha.config(topic)), topic).toEqual([]);
		expect(ha.text(OWN + "/status")).toBe("online");
		expect(ha.text(OWN + "/porch/availability")).toBe("online");
		// and a command still goes through
		const before = controlsAtCamera().length;
		await ha.client.publishAsync(ha.config(CONFIG_TOPICS[12]).command_topic, "2");
		await eventually(() => controlsAtCamera().length === before + 1, "a command after the restart");
		expect(controlsAtCamera()[before].settings).toEqual({ saturation: 2 });
		expect(JSON.stringify(lines)).not.toContain(RECEIVER_PASSWORD);
	});

	it("makes the camera's entities unavailable when it disconnects, and connectivity shows it off", async () => {
		await camera.stop();
		await eventually(() => ha.text(OWN + "/porch/availability") === "offline", "the camera offline");
		const connectivity = ha.config(CONFIG_TOPICS[1]);
		expect(ha.text(connectivity.state_topic)).toBe(connectivity.payload_off);
		expect(connectivity.availability.map(({ topic }: { topic: string }) => ha.text(topic))).toEqual(["online"]); // still available: it shows "off"
		const fps = ha.config(CONFIG_TOPICS[2]);
		expect(fps.availability_mode).toBe("all");
		expect(fps.availability.map(({ topic }: { topic: string }) => ha.text(topic))).toEqual(["online", "offline"]); // unavailable
		await eventually(() => JSON.parse(stateOf()!).online === false, "the state saying so");
	});

	it("deletes every entity of a camera that is removed, and what else it kept on the broker", async () => {
		const before = ha.seen.length;
		const response = await fetch(base + "/api/cameras/porch", { method: "DELETE", headers: { authorization: "Bearer " + token } });
		expect(response.status).toBe(204);
		const emptied = [...CONFIG_TOPICS, OWN + "/porch/availability", OWN + "/porch/state", OWN + "/porch/image"];
		await eventually(() => emptied.every((topic) => ha.seen.slice(before).some((seen) => seen.topic === topic && seen.payload.length === 0)), "every topic emptied");
		// a client that subscribes now (Home Assistant starting) finds nothing of porch on the broker
		const fresh = new HomeAssistantView(broker.port);
		try {
			await eventually(() => fresh.connections === 1, "a fresh client");
			await fresh.settled();
			expect([...fresh.retained.keys()].filter((topic) => topic.includes("porch"))).toEqual([]);
			expect(fresh.text(OWN + "/status")).toBe("online");
		}
		finally {
			await fresh.close();
		}
	});

	it("says it is offline when it closes, which makes every entity unavailable", async () => {
		const failures = () => lines.filter((line) => line.code === "XSCAM_ERR_MQTT").length;
		const before = failures();
		await receiver.close();
		await eventually(() => ha.text(OWN + "/status") === "offline", "the receiver's status offline");
		expect(failures()).toBe(before); // closing is no failure
	});
});
