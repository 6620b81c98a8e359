// What Home Assistant documents for an MQTT discovery config of each platform xscam announces, written
// down here so that a config can be checked field by field without a Home Assistant: the configuration
// variables of home-assistant/home-assistant.io source/_integrations/{camera,binary_sensor,sensor,number,
// select,switch}.mqtt.markdown (commits 9e4a69ab, fbc3a3b3, 9e4a69ab, ebecc7e8, 23472596, 53821638) and button.mqtt (its page, 2026), the
// device classes and units of sensor.markdown (7450caca) and binary_sensor.markdown, and the checks of
// home-assistant/core's mqtt integration that the pages state less plainly: the discovery topic pattern
// (discovery.py TOPIC_MATCHER), a number's max above its min (number.py validate_config), and the value a
// state must render to (PAYLOAD_NONE "None" is unknown for sensor, number, select and switch). Home
// Assistant drops a field it does not know without a word (extra=REMOVE_EXTRA), so a misspelt field is a
// failure here.

export type Component = "camera" | "binary_sensor" | "sensor" | "number" | "select" | "switch" | "button";

const COMMON = ["availability", "availability_mode", "availability_template", "availability_topic", "device", "enabled_by_default", "encoding",
	"entity_category", "entity_picture", "icon", "json_attributes_template", "json_attributes_topic", "name", "object_id", "origin", "unique_id"];

/** Each platform's own fields beyond COMMON, and which of them are required. */
const PLATFORMS: { [component in Component]: { fields: string[]; required: string[] } } = {
	// button.mqtt.markdown: no state; payload_press is sent on command_topic
	button: { fields: ["command_template", "command_topic", "device_class", "payload_available", "payload_not_available", "payload_press", "qos", "retain"], required: ["command_topic"] },
	camera: { fields: ["image_encoding", "topic"], required: ["topic"] },
	binary_sensor: {
		fields: ["device_class", "expire_after", "force_update", "off_delay", "payload_available", "payload_not_available", "payload_off", "payload_on", "qos",
			"state_topic", "value_template"],
		required: ["state_topic"],
	},
	sensor: {
		fields: ["device_class", "expire_after", "force_update", "last_reset_value_template", "options", "payload_available", "payload_not_available",
			"suggested_display_precision", "qos", "state_class", "state_topic", "unit_of_measurement", "value_template"],
		required: ["state_topic"],
	},
	number: {
		fields: ["command_template", "command_topic", "device_class", "min", "max", "mode", "optimistic", "payload_reset", "qos", "retain", "state_topic", "step",
			"unit_of_measurement", "value_template"],
		required: ["command_topic"],
	},
	select: {
		fields: ["command_template", "command_topic", "optimistic", "options", "qos", "retain", "state_topic", "value_template"],
		required: ["command_topic", "options"],
	},
	switch: {
		fields: ["command_template", "command_topic", "device_class", "optimistic", "payload_available", "payload_not_available", "payload_off", "payload_on",
			"qos", "retain", "state_off", "state_on", "state_topic", "value_template"],
		required: ["command_topic"],
	},
};

const DEVICE_FIELDS = ["configuration_url", "connections", "hw_version", "identifiers", "manufacturer", "model", "model_id", "name", "serial_number",
	"suggested_area", "sw_version", "via_device"];
const AVAILABILITY_FIELDS = ["payload_available", "payload_not_available", "topic", "value_template"];
const ORIGIN_FIELDS = ["name", "sw_version", "support_url"];

const BINARY_SENSOR_CLASSES = ["battery", "battery_charging", "carbon_monoxide", "cold", "connectivity", "door", "garage_door", "gas", "heat", "light",
	"lock", "moisture", "motion", "moving", "occupancy", "opening", "plug", "power", "presence", "problem", "running", "safety", "smoke", "sound", "tamper",
	"update", "vibration", "window"];
/** The sensor device classes xscam could use, with the units sensor.markdown allows for each; any other class is reported as unchecked. */
const SENSOR_CLASS_UNITS: { [deviceClass: string]: string[] } = {
	data_rate: ["bit/s", "kbit/s", "Mbit/s", "Gbit/s", "B/s", "kB/s", "MB/s", "GB/s", "KiB/s", "MiB/s", "GiB/s"],
	duration: ["d", "h", "min", "s", "ms"],
	signal_strength: ["dB", "dBm"],
};
const STATE_CLASSES = ["measurement", "total", "total_increasing"];

/** Home Assistant's TOPIC_MATCHER, under a discovery prefix. */
export function discoveryTopicPattern(prefix: string): RegExp {
	return new RegExp("^" + prefix + "/(?<component>\\w+)/(?:(?<node>[a-zA-Z0-9_-]+)/)?(?<object>[a-zA-Z0-9_-]+)/config$");
}

const isString = (value: unknown): value is string => typeof value === "string" && value !== "";

/** What is wrong with `payload` as a discovery config of `component`; empty when Home Assistant documents all of it. */
export function configProblems(component: Component, payload: { [field: string]: unknown }): string[] {
	const problems: string[] = [];
	const platform = PLATFORMS[component];
	const allowed = new Set([...COMMON, ...platform.fields]);
	for (const field of Object.keys(payload)) if (!allowed.has(field)) problems.push(field + " is not a field of " + component + ".mqtt");
	for (const field of platform.required) if (payload[field] === undefined) problems.push(field + " is required");
	for (const field of ["topic", "state_topic", "command_topic"]) {
		if (field in payload && (!isString(payload[field]) || /[+#]/.test(payload[field] as string))) problems.push(field + " must be a topic without wildcards");
	}
	if (!isString(payload.unique_id)) problems.push("unique_id must be text (the device registry needs it)");
	if ("name" in payload && payload.name !== null && !isString(payload.name)) problems.push("name must be text or null");
	problems.push(...deviceProblems(payload.device), ...availabilityProblems(payload));
	if (payload.origin !== undefined) {
		const origin = payload.origin as { [field: string]: unknown };
		if (!isString(origin.name)) problems.push("origin.name is required");
		for (const field of Object.keys(origin)) if (!ORIGIN_FIELDS.includes(field)) problems.push("origin." + field + " is not a field of origin");
	}
	const category = payload.entity_category;
	if (category !== undefined && category !== "config" && category !== "diagnostic") problems.push("entity_category must be config or diagnostic");
	if ((component === "sensor" || component === "binary_sensor") && category === "config") problems.push("entity_category must be diagnostic for sensors");
	problems.push(...platformProblems(component, payload));
	return problems;
}

function deviceProblems(device: unknown): string[] {
	if (typeof device !== "object" || device === null) return ["device is missing: the entity would belong to no device"];
	const fields = device as { [field: string]: unknown };
	const problems = Object.keys(fields).filter((field) => !DEVICE_FIELDS.includes(field)).map((field) => "device." + field + " is not a field of device");
	const identifiers = fields.identifiers;
	if (!(isString(identifiers) || (Array.isArray(identifiers) && identifiers.length > 0 && identifiers.every(isString))))
		problems.push("device.identifiers must be text or a list of text");
	for (const field of ["name", "manufacturer", "model", "sw_version"]) if (field in fields && !isString(fields[field])) problems.push("device." + field + " must be text");
	return problems;
}

function availabilityProblems(payload: { [field: string]: unknown }): string[] {
	const problems: string[] = [];
	if (payload.availability !== undefined && payload.availability_topic !== undefined) problems.push("availability and availability_topic exclude each other");
	if (payload.availability !== undefined) {
		if (!Array.isArray(payload.availability) || payload.availability.length === 0) return ["availability must be a list of topics"];
		for (const entry of payload.availability as { [field: string]: unknown }[]) {
			if (!isString(entry.topic)) problems.push("availability entries need a topic");
			for (const field of Object.keys(entry)) if (!AVAILABILITY_FIELDS.includes(field)) problems.push("availability." + field + " is not a field of availability");
		}
	}
	if (payload.availability_mode !== undefined && !["all", "any", "latest"].includes(payload.availability_mode as string))
		problems.push("availability_mode must be all, any or latest");
	return problems;
}

function platformProblems(component: Component, payload: { [field: string]: unknown }): string[] {
	const problems: string[] = [];
	const { device_class: deviceClass, unit_of_measurement: unit, state_class: stateClass } = payload;
	if (component === "binary_sensor" && deviceClass !== undefined && !BINARY_SENSOR_CLASSES.includes(deviceClass as string))
		problems.push("device_class " + JSON.stringify(deviceClass) + " is not a binary sensor class");
	if (component === "sensor") {
		if (deviceClass !== undefined) {
			const units = SENSOR_CLASS_UNITS[deviceClass as string];
			if (units === undefined) problems.push("device_class " + JSON.stringify(deviceClass) + " is not one this checker knows the units of");
			else if (!units.includes(unit as string)) problems.push("unit " + JSON.stringify(unit) + " is not one of " + deviceClass + ": " + units.join(", "));
		}
		if (stateClass !== undefined && !STATE_CLASSES.includes(stateClass as string)) problems.push("state_class must be one of " + STATE_CLASSES.join(", "));
		if (payload.suggested_display_precision !== undefined && !Number.isInteger(payload.suggested_display_precision))
			problems.push("suggested_display_precision must be an integer");
	}
	if (component === "number") {
		const { min = 1, max = 100, step = 1, mode } = payload as { min?: unknown; max?: unknown; step?: unknown; mode?: unknown };
		if (typeof min !== "number" || typeof max !== "number" || !(max > min)) problems.push("max must be a number above min");
		if (typeof step !== "number" || !(step >= 0.001)) problems.push("step must be a number of at least 0.001");
		if (mode !== undefined && !["auto", "box", "slider"].includes(mode as string)) problems.push("mode must be auto, box or slider");
	}
	if (component === "select") {
		const { options } = payload;
		if (!Array.isArray(options) || !options.every(isString) || new Set(options).size !== options.length) problems.push("options must be a list of distinct texts");
	}
	if (component === "switch" || component === "binary_sensor") {
		for (const field of ["payload_on", "payload_off"]) if (field in payload && !isString(payload[field])) problems.push(field + " must be text");
		if (payload.payload_on !== undefined && payload.payload_on === payload.payload_off) problems.push("payload_on and payload_off must differ");
	}
	if (payload.retain === true) problems.push("retain: a retained command would be carried out again at every reconnection");
	return problems;
}

/**
 * What Home Assistant's template renders from `message` for `template`, for the one form xscam uses,
 * {{ value_json.a.b }}: a JSON null renders as Python's "None", true as "True"; a missing key renders as "".
 */
export function renderValueTemplate(template: unknown, message: string): string {
	const match = typeof template === "string" ? /^\{\{ value_json((?:\.[A-Za-z_][A-Za-z0-9_]*)+) \}\}$/.exec(template) : null;
	if (match === null) throw new Error("not a template this checker renders: " + JSON.stringify(template));
	let value: unknown = JSON.parse(message);
	for (const key of match[1].slice(1).split(".")) value = typeof value === "object" && value !== null ? (value as { [key: string]: unknown })[key] : undefined;
	if (value === undefined) return "";
	if (value === null) return "None";
	if (typeof value === "boolean") return value ? "True" : "False";
	return String(value);
}

/** Whether `rendered` is a state the entity takes (sensor.py, number.py, select.py, switch.py): its value, or "None" for unknown. */
export function stateProblem(component: Component, payload: { [field: string]: unknown }, rendered: string): string | undefined {
	if (rendered === "None") return undefined;
	switch (component) {
		case "sensor":
			return Number.isFinite(Number(rendered)) && rendered.trim() !== "" ? undefined : "a numeric sensor got " + JSON.stringify(rendered);
		case "number": {
			const value = Number(rendered);
			const { min = 1, max = 100 } = payload as { min?: number; max?: number };
			return Number.isFinite(value) && value >= min && value <= max ? undefined : "a number from " + min + " to " + max + " got " + JSON.stringify(rendered);
		}
		case "select":
			return (payload.options as string[]).includes(rendered) ? undefined : "not one of the options: " + JSON.stringify(rendered);
		case "switch":
		case "binary_sensor": {
			const on = (payload.state_on ?? payload.payload_on ?? "ON") as string;
			const off = (payload.state_off ?? payload.payload_off ?? "OFF") as string;
			return rendered === on || rendered === off ? undefined : "neither " + on + " nor " + off + ": " + JSON.stringify(rendered);
		}
		default:
			return "the " + component + " has no state to render";
	}
}
