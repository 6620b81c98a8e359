// The discovery configs of one camera: the payloads Home Assistant's MQTT integration turns into a device
// and its entities (field names as each platform's page documents them: camera.mqtt, binary_sensor.mqtt,
// sensor.mqtt, number.mqtt, select.mqtt, switch.mqtt, button.mqtt). Every entity is tied to the camera's device by
// `device` and named by a `unique_id` built from the camera id and the entity, so that it stays the same
// entity across restarts. Availability: the receiver's status and the camera's own, both "online"
// (availability_mode all); connectivity reads the camera's availability as its state, so it needs the
// receiver's only, and shows "off" while the camera is offline instead of "unavailable".

import type { ControlDescription, Hello } from "../../src/protocol/types";
import { settingEntity } from "./settings";
import type { CameraState } from "./state";
import { discoveryId, type Topics } from "./topics";

export interface DiscoveryConfig {
	/** <prefix>/<component>/<node_id>/<object_id>/config */
	topic: string;
	payload: { [field: string]: unknown };
}

/** A numeric sensor read from one field of the state. */
interface SensorSpec {
	object: string;
	name: string;
	field: keyof CameraState;
	device_class?: string;
	unit_of_measurement?: string;
	state_class?: "measurement" | "total_increasing";
	entity_category?: "diagnostic";
	suggested_display_precision?: number;
}

const SENSORS: SensorSpec[] = [
	{ object: "fps", name: "Frame rate", field: "fps", unit_of_measurement: "fps", state_class: "measurement", suggested_display_precision: 1 },
	{ object: "kbps", name: "Bit rate", field: "kbps", device_class: "data_rate", unit_of_measurement: "kbit/s", state_class: "measurement", suggested_display_precision: 0 },
	{ object: "latency", name: "Latency", field: "latencyMs", device_class: "duration", unit_of_measurement: "ms", state_class: "measurement", entity_category: "diagnostic" },
	{ object: "rssi", name: "Wi-Fi signal", field: "rssi", device_class: "signal_strength", unit_of_measurement: "dBm", state_class: "measurement", entity_category: "diagnostic" },
	{ object: "uptime", name: "Uptime", field: "uptime", device_class: "duration", unit_of_measurement: "s", entity_category: "diagnostic" },
	// counters that restart from 0 (the receiver's, or the camera's when it reboots): total_increasing takes that as a reset
	{ object: "frames_lost", name: "Frames lost", field: "framesLost", state_class: "total_increasing", entity_category: "diagnostic" },
	{ object: "frames_dropped", name: "Frames dropped on the camera", field: "framesDropped", state_class: "total_increasing", entity_category: "diagnostic" },
];

const capitalized = (label: string) => label.charAt(0).toUpperCase() + label.slice(1);

/**
 * Every config of the camera `cameraId`, as its last hello describes it, with an entity for each of
 * `controls` that has something to set (undefined: it announced none).
 */
export function discoveryConfigs(cameraId: string, hello: Hello, controls: ControlDescription[] | undefined, topics: Topics): DiscoveryConfig[] {
	const own = topics.camera(cameraId);
	const id = "xscam_" + discoveryId(cameraId);
	const device = { identifiers: [id], name: cameraId, manufacturer: "xscam", model: hello.board + " (" + hello.sensor + ")", sw_version: hello.firmware };
	const receiverOnly = [{ topic: topics.status }];
	const both = { availability: [...receiverOnly, { topic: own.availability }], availability_mode: "all" };
	const entity = (component: string, object: string, fields: { [field: string]: unknown }): DiscoveryConfig => ({
		topic: topics.config(component, cameraId, object),
		payload: { unique_id: id + "_" + object, device, origin: { name: "xscam" }, ...fields },
	});
	const configs = [
		// name null: the camera is the device's main feature and takes the device's name (camera.porch)
		entity("camera", "camera", { name: null, topic: own.image, ...both }),
		entity("binary_sensor", "connectivity", {
			name: "Connectivity", device_class: "connectivity", state_topic: own.availability, payload_on: "online", payload_off: "offline",
			availability: receiverOnly,
		}),
		...SENSORS.map(({ object, field, ...fields }) =>
			entity("sensor", object, { ...fields, state_topic: own.state, value_template: "{{ value_json." + field + " }}", ...both })),
	];
	for (const control of controls ?? []) {
		const setting = settingEntity(control);
		if (setting === undefined) continue;
		const state = setting.component === "button" ? {} : { state_topic: own.state, value_template: "{{ value_json.settings." + control.key + " }}" };
		configs.push(entity(setting.component, "setting_" + control.key, {
			name: capitalized(control.label), entity_category: "config", command_topic: own.set(control.key), ...state, ...setting.fields, ...both,
		}));
	}
	return configs;
}
