// Where the receiver and Home Assistant meet on the broker. Home Assistant reads discovery configs under
// its prefix, <prefix>/<component>/<node_id>/<object_id>/config, and takes only ids of [a-zA-Z0-9_-]
// there (TOPIC_MATCHER in homeassistant/components/mqtt/discovery.py); its birth message is
// <prefix>/status. The rest is the receiver's own, under xscam/<receiver>/: its status (the MQTT will),
// and per camera its availability, state, image and one command topic per setting.

import { createHash } from "node:crypto";

export interface CameraTopics {
	/** "online" or "offline", retained. */
	availability: string;
	/** The state JSON (state.ts), retained. */
	state: string;
	/** The latest JPEG, raw, retained. */
	image: string;
	/** Where Home Assistant sends a new value for the setting `key`. */
	set(key: string): string;
}

/**
 * A camera id as discovery topics and unique ids take it. Camera ids are [A-Za-z0-9_.-] and "." is not
 * allowed there: such an id becomes "_" for each "." plus a digest of the id, so that "a.b" and "a_b"
 * stay two devices.
 */
export function discoveryId(cameraId: string): string {
	if (!cameraId.includes(".")) return cameraId;
	return cameraId.replace(/\./g, "_") + "_" + createHash("sha256").update(cameraId).digest("hex").slice(0, 8);
}

/** A host name as one topic level: never a wildcard or a level separator. */
export function receiverName(hostname: string): string {
	return hostname.replace(/[^A-Za-z0-9_.-]/g, "_") || "receiver";
}

export class Topics {
	/** Home Assistant's discovery prefix. */
	readonly prefix: string;
	/** Home Assistant's birth and last-will topic: "online" when it (re)starts. */
	readonly birth: string;
	/** This receiver's availability: "online" while connected, "offline" as its will or when it closes. */
	readonly status: string;
	/** Every camera's command topics, to subscribe to. */
	readonly commands: string;
	/** Every camera's availability, to subscribe to: a retained "online" left by an earlier run is corrected. */
	readonly availabilities: string;
	readonly #base: string;

	constructor(prefix: string, receiver: string) {
		this.prefix = prefix;
		this.birth = prefix + "/status";
		this.#base = "xscam/" + receiver;
		this.status = this.#base + "/status";
		this.commands = this.#base + "/+/set/+";
		this.availabilities = this.#base + "/+/availability";
	}

	camera(cameraId: string): CameraTopics {
		const base = this.#base + "/" + cameraId;
		return { availability: base + "/availability", state: base + "/state", image: base + "/image", set: (key) => base + "/set/" + key };
	}

	/** The discovery config topic of one entity of a camera. */
	config(component: string, cameraId: string, object: string): string {
		return this.prefix + "/" + component + "/xscam_" + discoveryId(cameraId) + "/" + object + "/config";
	}

	/** The camera and setting a command topic names, or undefined for any other topic. */
	command(topic: string): { cameraId: string; key: string } | undefined {
		const levels = this.#levels(topic);
		return levels?.length === 3 && levels[1] === "set" ? { cameraId: levels[0], key: levels[2] } : undefined;
	}

	/** The camera an availability topic names, or undefined for any other topic. */
	availabilityOf(topic: string): string | undefined {
		const levels = this.#levels(topic);
		return levels?.length === 2 && levels[1] === "availability" ? levels[0] : undefined;
	}

	#levels(topic: string): string[] | undefined {
		return topic.startsWith(this.#base + "/") ? topic.slice(this.#base.length + 1).split("/") : undefined;
	}
}
