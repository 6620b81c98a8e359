// Home Assistant's MQTT discovery without a broker: every config xscam announces, checked field by field
// against what Home Assistant documents for its platform (helpers/home-assistant-schema.ts), the state
// each entity reads rendered as Home Assistant renders it, the way a command becomes a control request,
// the MQTT credentials, and mqtt.js loaded only with --mqtt. The broker itself: e2e/home-assistant.e2e.test.ts.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventEmitter } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChoiceControl } from "../../src/protocol/controls";
import type { ControlDescription, Hello } from "../../src/protocol/types";
import { mqttCredentials } from "../../server/home-assistant/credentials";
import { discoveryConfigs, type DiscoveryConfig } from "../../server/home-assistant/discovery";
import { commandValue, entityValue, settingEntity } from "../../server/home-assistant/settings";
import { cameraState } from "../../server/home-assistant/state";
import { discoveryId, receiverName, Topics } from "../../server/home-assistant/topics";
import { controlSettings } from "../../server/http/control-body";
import type { CameraStatus } from "../../server/http/status";
import { resolveOptions } from "../../server/options";
import { OV2640_CONTROLS } from "./helpers/fake-camera";
import { type Component, configProblems, discoveryTopicPattern, renderValueTemplate, stateProblem } from "./helpers/home-assistant-schema";
import { startReceiver, type Harness } from "./helpers/harness";

// mqtt.js, replaced by a client that records how it was made: the part must import it only with --mqtt.
const mqttLoads = vi.hoisted(() => ({ count: 0, connects: [] as { url: string; options: any; client: any }[] }));
vi.mock("mqtt", () => {
	mqttLoads.count++;
	return {
		connect(url: string, options: unknown) {
			const client = Object.assign(new EventEmitter(), {
				connected: false, published: [] as unknown[],
				publish(...args: unknown[]) { client.published.push(args); },
				subscribe() {},
				end(_force: boolean, _options: unknown, done: () => void) { done(); },
			});
			mqttLoads.connects.push({ url, options, client });
			return client;
		},
	};
});

const HELLO: Hello = { type: "hello", flags: 0, id: "porch", firmware: "0.2.0", board: "esp32cam", sensor: "OV2640", width: 640, height: 480 };
const topics = new Topics("homeassistant", "nas");
/** Beyond the OV2640's: a 0/1 setting (a switch) and a setting with one value (nothing to set). */
const EXTRA: ControlDescription[] = [
	{ key: "hmirror", label: "mirror", kind: "integer", min: 0, max: 1, step: 1, applies: "now" },
	{ key: "quality", label: "quality", kind: "integer", min: 12, max: 12, applies: "now" },
];
const CONTROLS = [...OV2640_CONTROLS, ...EXTRA];

const componentOf = (config: DiscoveryConfig) => discoveryTopicPattern("homeassistant").exec(config.topic)!.groups!.component as Component;
const objectOf = (config: DiscoveryConfig) => discoveryTopicPattern("homeassistant").exec(config.topic)!.groups!.object;
const byObject = (configs: DiscoveryConfig[]) => Object.fromEntries(configs.map((config) => [objectOf(config), config]));

function status(overrides: Partial<CameraStatus> = {}): CameraStatus {
	return {
		id: "porch", online: true, remote: "192.168.1.40:52113", since: "2025-11-26T12:00:00.000Z", lastError: null, firmware: "0.2.0", board: "esp32cam",
		sensor: "OV2640", width: 640, height: 480, fps: 9.8, kbps: 1530.2, frames: { received: 10, lost: 3, bad: 0, droppedOnDevice: 41, misdated: 0 },
		lastFrameAgeMs: 62, latencyMs: 35, rssi: -61, uptime: 86400, freeHeap: 2890000, reconnects: 2, deviceReconnects: 2, viewers: 3,
		recording: { state: "off" }, described: true, updatable: true, update: null, ...overrides,
	};
}

describe("discovery configs", () => {
	const configs = discoveryConfigs("porch", HELLO, CONTROLS, topics);

	it("announce a camera, its connectivity, seven sensors and a setting entity per announced setting with something to set", () => {
		expect(configs.map((config) => componentOf(config) + "/" + objectOf(config))).toEqual([
			"camera/camera", "binary_sensor/connectivity", "sensor/fps", "sensor/kbps", "sensor/latency", "sensor/rssi", "sensor/uptime", "sensor/frames_lost",
			"sensor/frames_dropped", "number/setting_frameRate", "number/setting_brightness", "number/setting_contrast", "number/setting_saturation",
			"select/setting_whiteBalance", "select/setting_frameSize", "button/setting_restart", "switch/setting_hmirror",
		]); // quality (12 to 12) has nothing to set
		expect(byObject(configs).setting_restart.payload).toMatchObject({ command_topic: "xscam/nas/porch/set/restart", payload_press: "now", device_class: "restart" });
		expect(byObject(configs).setting_restart.payload).not.toHaveProperty("state_topic"); // a button has no state
		for (const config of configs) expect(config.topic).toBe("homeassistant/" + componentOf(config) + "/xscam_porch/" + objectOf(config) + "/config");
	});

	it.each(discoveryConfigs("porch", HELLO, CONTROLS, topics).map((config) => [config.topic, config] as const))(
		"%s has only fields its platform documents, and every one it needs", (_topic, config) => {
			expect(configProblems(componentOf(config), config.payload)).toEqual([]);
		});

	it("tie every entity to the camera's device, from its hello", () => {
		for (const { payload } of configs) {
			expect(payload.device).toEqual({ identifiers: ["xscam_porch"], name: "porch", manufacturer: "xscam", model: "esp32cam (OV2640)", sw_version: "0.2.0" });
			expect(payload.origin).toEqual({ name: "xscam" });
		}
	});

	it("give each entity a unique_id of its own, the same each time and for each receiver, apart from other cameras'", () => {
		const ids = configs.map((config) => config.payload.unique_id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(byObject(configs).fps.payload.unique_id).toBe("xscam_porch_fps");
		expect(discoveryConfigs("porch", { ...HELLO, firmware: "0.3.0" }, CONTROLS, new Topics("homeassistant", "other-host")).map((c) => c.payload.unique_id)).toEqual(ids);
		const garage = discoveryConfigs("garage", HELLO, CONTROLS, topics).map((config) => config.payload.unique_id);
		expect(garage.filter((id) => ids.includes(id))).toEqual([]);
	});

	it("make every entity unavailable when the receiver or the camera is, but connectivity only when the receiver is", () => {
		const both = { availability: [{ topic: "xscam/nas/status" }, { topic: "xscam/nas/porch/availability" }], availability_mode: "all" };
		for (const config of configs) {
			if (objectOf(config) === "connectivity") {
				expect(config.payload.availability).toEqual([{ topic: "xscam/nas/status" }]);
				expect(config.payload.availability_mode).toBeUndefined();
			}
			else expect(config.payload).toMatchObject(both);
		}
		expect(byObject(configs).connectivity.payload).toMatchObject({
			device_class: "connectivity", state_topic: "xscam/nas/porch/availability", payload_on: "online", payload_off: "offline",
		});
	});

	it("show the camera by its image topic, named after the device", () => {
		expect(byObject(configs).camera.payload).toMatchObject({ name: null, topic: "xscam/nas/porch/image" });
	});

	it("describe the sensors with device classes, units and state classes Home Assistant accepts", () => {
		const sensors = byObject(configs);
		expect(sensors.kbps.payload).toMatchObject({ device_class: "data_rate", unit_of_measurement: "kbit/s", state_class: "measurement" });
		expect(sensors.latency.payload).toMatchObject({ device_class: "duration", unit_of_measurement: "ms", entity_category: "diagnostic" });
		expect(sensors.rssi.payload).toMatchObject({ device_class: "signal_strength", unit_of_measurement: "dBm" });
		expect(sensors.uptime.payload).toMatchObject({ device_class: "duration", unit_of_measurement: "s" });
		expect(sensors.frames_lost.payload).toMatchObject({ state_class: "total_increasing" });
		expect(sensors.frames_dropped.payload).toMatchObject({ state_class: "total_increasing" });
	});

	it("map each kind of setting to its platform: ranges to numbers, names and choices to selects, 0/1 to a switch", () => {
		const entities = byObject(configs);
		expect(entities.setting_frameRate.payload).toMatchObject({ min: 0.1, max: 60, step: 0.1, name: "Frame rate cap (fps)", entity_category: "config" });
		expect(entities.setting_brightness.payload).toMatchObject({ min: -2, max: 2, step: 1, command_topic: "xscam/nas/porch/set/brightness" });
		expect(entities.setting_whiteBalance.payload).toMatchObject({ options: ["auto", "sunny", "cloudy", "office", "home"], name: "White balance" });
		const frameSize = OV2640_CONTROLS.find((control) => control.key === "frameSize") as ChoiceControl;
		expect(entities.setting_frameSize.payload).toMatchObject({ options: frameSize.choices, name: "Frame size" });
		expect(entities.setting_hmirror.payload).toMatchObject({ payload_on: "1", payload_off: "0", command_topic: "xscam/nas/porch/set/hmirror" });
		// a number without a step, or one below Home Assistant's smallest, gets its smallest
		expect(settingEntity({ key: "gain", label: "gain", kind: "number", min: 0, max: 1, applies: "now" })!.fields.step).toBe(0.001);
		expect(settingEntity({ key: "gain", label: "gain", kind: "number", min: 0, max: 1, step: 0.0001, applies: "now" })!.fields.step).toBe(0.001);
	});

	it("announce no setting entity for a camera that announced no settings", () => {
		expect(discoveryConfigs("old", HELLO, undefined, topics).map(objectOf)).toEqual([
			"camera", "connectivity", "fps", "kbps", "latency", "rssi", "uptime", "frames_lost", "frames_dropped",
		]);
	});

	it("keep topics and ids within what Home Assistant matches for a camera id with a dot, apart from the id with an underscore", () => {
		const dotted = discoveryConfigs("cam.1", HELLO, undefined, topics);
		const underscored = discoveryConfigs("cam_1", HELLO, undefined, topics);
		for (const config of [...dotted, ...underscored]) expect(config.topic).toMatch(discoveryTopicPattern("homeassistant"));
		expect(discoveryId("cam_1")).toBe("cam_1");
		expect(discoveryId("cam.1")).toMatch(/^cam_1_[0-9a-f]{8}$/);
		expect(dotted[0].payload.unique_id).not.toBe(underscored[0].payload.unique_id);
		expect(dotted[0].payload.availability).toContainEqual({ topic: "xscam/nas/cam.1/availability" }); // the receiver's own topics keep the id
		expect(receiverName("nas.local")).toBe("nas.local");
		expect(receiverName("a/b+#")).toBe("a_b__");
	});
});

describe("the state entities read", () => {
	const configs = discoveryConfigs("porch", HELLO, CONTROLS, topics);
	const readers = configs.filter((config) => config.payload.state_topic === "xscam/nas/porch/state");

	it("carries the status numbers and the known settings as their entities show them", () => {
		const state = cameraState(status(), CONTROLS, { brightness: 1, whiteBalance: 2, frameSize: "SVGA", hmirror: 1 });
		expect(state).toEqual({
			online: true, fps: 9.8, kbps: 1530.2, latencyMs: 35, rssi: -61, uptime: 86400, framesLost: 3, framesDropped: 41,
			settings: { frameRate: null, brightness: 1, contrast: null, saturation: null, whiteBalance: "cloudy", frameSize: "SVGA", hmirror: 1, quality: null },
		});
	});

	it.each([
		["known values", status(), { frameRate: 12.5, brightness: -1, contrast: 2, saturation: 0, whiteBalance: 0, frameSize: "VGA", hmirror: 0 }],
		["nothing known yet, and a camera with no stats", status({ latencyMs: null, rssi: null, uptime: null, frames: { ...status().frames, droppedOnDevice: null } }), {}],
	])("renders to a value every reader takes: %s", (_name, cameraStatus, known) => {
		const message = JSON.stringify(cameraState(cameraStatus, CONTROLS, known));
		expect(readers.length).toBe(14); // 7 sensors and 7 settings
		for (const { topic, payload } of readers) {
			const rendered = renderValueTemplate(payload.value_template, message);
			expect(rendered, topic).not.toBe(""); // an empty rendering would be ignored: the template names a field the state lacks
			expect(stateProblem(componentOf({ topic, payload }), payload, rendered), topic).toBeUndefined();
		}
	});

	it("renders an unknown setting as None, which Home Assistant shows as unknown", () => {
		const message = JSON.stringify(cameraState(status(), CONTROLS, {}));
		expect(renderValueTemplate(byObject(configs).setting_brightness.payload.value_template, message)).toBe("None");
		expect(renderValueTemplate(byObject(configs).setting_whiteBalance.payload.value_template, message)).toBe("None");
	});

	it("shows a named value by its name, and nothing for a value outside the names", () => {
		const whiteBalance = OV2640_CONTROLS.find((control) => control.key === "whiteBalance")!;
		expect(entityValue(whiteBalance, 4)).toBe("home");
		expect(entityValue(whiteBalance, 9)).toBeNull();
	});
});

describe("a command", () => {
	const configs = discoveryConfigs("porch", HELLO, CONTROLS, topics);

	// 1. Home Assistant publishes what its platform sends (number: the value, an integer without ".0"; select: the option;
	// switch: payload_on), 2. commandValue reads it for the setting its topic names, 3. the API's own check takes it.
	it.each([
		["number/setting_brightness", "1", { brightness: 1 }],
		["number/setting_brightness", "-2", { brightness: -2 }],
		["number/setting_frameRate", "12.5", { frameRate: 12.5 }],
		["select/setting_whiteBalance", "cloudy", { whiteBalance: 2 }],
		["select/setting_frameSize", "SVGA", { frameSize: "SVGA" }],
		["switch/setting_hmirror", "1", { hmirror: 1 }],
		["switch/setting_hmirror", "0", { hmirror: 0 }],
	])("on %s with %j is the control request %j", (entity, payload, settings) => {
		const config = configs.find((candidate) => componentOf(candidate) + "/" + objectOf(candidate) === entity)!;
		const { cameraId, key } = topics.command(config.payload.command_topic as string)!;
		expect(cameraId).toBe("porch");
		const control = CONTROLS.find((candidate) => candidate.key === key);
		expect(controlSettings({ [key]: commandValue(control, payload) }, CONTROLS)).toEqual(settings);
	});

	it.each([
		["brightness", "bright", "brightness must be an integer from -2 to 2, got \"bright\""],
		["brightness", "3", "brightness must be an integer from -2 to 2, got 3"],
		["whiteBalance", "purple", "whiteBalance must be an integer from 0 to 4, got \"purple\""],
		["frameSize", "8K", "frameSize must be one of 96X96"],
		["exposure", "3", "unknown setting \"exposure\""],
	])("on %s with %j is refused as the API refuses it", (key, payload, message) => {
		const control = CONTROLS.find((candidate) => candidate.key === key);
		expect(() => controlSettings({ [key]: commandValue(control, payload) }, CONTROLS)).toThrow(expect.objectContaining({ code: "XSCAM_ERR_BAD_CONTROL" }));
		expect(() => controlSettings({ [key]: commandValue(control, payload) }, CONTROLS)).toThrow(message);
	});

	it("is only a topic of this receiver's cameras", () => {
		expect(topics.command("xscam/nas/porch/set/brightness")).toEqual({ cameraId: "porch", key: "brightness" });
		expect(topics.command("xscam/other/porch/set/brightness")).toBeUndefined();
		expect(topics.command("xscam/nas/porch/set/brightness/more")).toBeUndefined();
		expect(topics.command("xscam/nas/porch/state")).toBeUndefined();
		expect(topics.availabilityOf("xscam/nas/porch/availability")).toBe("porch");
		expect(topics.availabilityOf("xscam/nas/status")).toBeUndefined();
	});
});

describe("the MQTT credentials", () => {
	const dir = mkdtempSync(join(tmpdir(), "xscam-mqtt-"));
	const file = join(dir, "password");
	writeFileSync(file, "from the file\nsecond line\n");
	const options = (given: object) => resolveOptions({ mqttUrl: "mqtt://broker", ...given });

	it("take the password from the file's first line, else from XSCAM_MQTT_PASSWORD; the file wins", () => {
		expect(mqttCredentials(options({ mqttUsername: "xscam", mqttPasswordFile: file }), {})).toEqual({ username: "xscam", password: "from the file" });
		expect(mqttCredentials(options({ mqttUsername: "xscam" }), { XSCAM_MQTT_PASSWORD: "from env" })).toEqual({ username: "xscam", password: "from env" });
		expect(mqttCredentials(options({ mqttUsername: "xscam", mqttPasswordFile: file }), { XSCAM_MQTT_PASSWORD: "from env" }).password).toBe("from the file");
		expect(mqttCredentials(options({}), {})).toEqual({});
		expect(mqttCredentials(options({ mqttUsername: "xscam" }), {})).toEqual({ username: "xscam" });
	});

	it("refuse a file it cannot read or whose first line is empty, and a password without a user name", () => {
		expect(() => mqttCredentials(options({ mqttUsername: "x", mqttPasswordFile: join(dir, "missing") }), {}))
			.toThrow(expect.objectContaining({ code: "XSCAM_ERR_SECRET_FILE", message: "cannot use " + join(dir, "missing") + ": ENOENT" }));
		const empty = join(dir, "empty");
		writeFileSync(empty, "\n");
		expect(() => mqttCredentials(options({ mqttUsername: "x", mqttPasswordFile: empty }), {})).toThrow(expect.objectContaining({ code: "XSCAM_ERR_SECRET_FILE" }));
		expect(() => mqttCredentials(options({}), { XSCAM_MQTT_PASSWORD: "secret" })).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION" }));
		expect(() => mqttCredentials(options({}), { XSCAM_MQTT_PASSWORD: "secret" })).not.toThrow(/secret/);
	});
});

describe("the MQTT part", () => {
	let harness: Harness | undefined;
	afterEach(async () => {
		await harness?.close();
		harness = undefined;
	});

	it("is not loaded without --mqtt: mqtt.js is never imported", async () => {
		harness = await startReceiver();
		await harness.close();
		expect(mqttLoads.count).toBe(0);
	});

	it("imports mqtt.js at start with --mqtt, and connects with the credentials and its will", async () => {
		const dir = mkdtempSync(join(tmpdir(), "xscam-mqtt-"));
		writeFileSync(join(dir, "password"), "pw\n");
		harness = await startReceiver({ mqttUrl: "mqtt://127.0.0.1:1", mqttUsername: "xscam", mqttPasswordFile: join(dir, "password") });
		expect(mqttLoads.count).toBe(1);
		const [{ url, options, client }] = mqttLoads.connects;
		expect(url).toBe("mqtt://127.0.0.1:1");
		expect(options).toMatchObject({ username: "xscam", password: "pw", reconnectPeriod: 5000, queueQoSZero: false });
		expect(options.will).toMatchObject({ topic: expect.stringMatching(/^xscam\/[^/]+\/status$/), retain: true });
		expect(options.will.payload.toString()).toBe("offline");
		// the broker refuses: one warning naming it and why, not one per attempt, and never the password
		client.emit("error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
		client.emit("error", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }));
		// a login the broker refuses (mqtt.js: an error whose code is MQTT's reason code)
		client.emit("error", Object.assign(new Error("Connection refused: Not authorized"), { code: 5 }));
		const warnings = harness.lines.filter((line) => line.code === "XSCAM_ERR_MQTT");
		expect(warnings.map((line) => line.msg)).toEqual([
			"cannot use the MQTT broker mqtt://127.0.0.1:1: ECONNREFUSED; trying again every 5 s",
			"cannot use the MQTT broker mqtt://127.0.0.1:1: Connection refused: Not authorized; trying again every 5 s",
		]);
		expect(JSON.stringify(harness.lines)).not.toContain("\"pw\"");
	});
});
