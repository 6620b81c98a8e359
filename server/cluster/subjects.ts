// The names a fleet uses on NATS, in one place. Every subject starts xscam.<fleet>, so fleets share a
// NATS cluster without hearing each other. A camera id may hold dots (src/protocol/constants.ts's
// ID_PATTERN), which NATS reads as token separators, but never "=", which both subjects and KV keys
// allow: a dot becomes "=", and the mapping goes back without loss.

/** A fleet's name: a subject token and part of a KV bucket's name. */
export const FLEET_NAME_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** A camera or receiver id as one subject token (and KV key token). */
export const tokenOf = (id: string): string => id.replaceAll(".", "=");
export const idOf = (token: string): string => token.replaceAll("=", ".");

export interface FleetNames {
	/** JetStream KV bucket of the registry: cams.<camera> -> its holder, receivers.<receiver> -> its heartbeat. */
	readonly bucket: string;
	/** Core NATS, one message per frame: the JPEG, with its sequence and times in headers (frame-message.ts). */
	frame(camera: string): string;
	/** The latest frame, once a second, for snapshots where nobody watches the stream. */
	snapshot(camera: string): string;
	/** The camera's status as its holder sees it (status-message.ts), once a second and on each change. */
	status(camera: string): string;
	/** Request-reply: a control request to the receiver that holds the camera. */
	control(camera: string): string;
	/** Request-reply: "let go of this camera", to the receiver that holds it (lease.ts). */
	release(receiver: string): string;
	/** Every camera's status and snapshot: what every receiver follows. */
	readonly allStatus: string;
	readonly allSnapshots: string;
	/** The subject's camera id, for a subject of allStatus or allSnapshots. */
	cameraOf(subject: string): string;
	cameraKey(camera: string): string;
	receiverKey(receiver: string): string;
	readonly cameraKeys: string;
}

export function fleetNames(fleet: string): FleetNames {
	if (!FLEET_NAME_PATTERN.test(fleet)) throw new RangeError("a fleet name is 1 to 32 letters, digits, _ or -, got " + JSON.stringify(fleet));
	const prefix = "xscam." + fleet;
	const cam = (camera: string, what: string) => prefix + ".cam." + tokenOf(camera) + "." + what;
	return {
		bucket: "xscam-" + fleet + "-cameras",
		frame: (camera) => cam(camera, "frame"),
		snapshot: (camera) => cam(camera, "snapshot"),
		status: (camera) => cam(camera, "status"),
		control: (camera) => cam(camera, "control"),
		release: (receiver) => prefix + ".receiver." + tokenOf(receiver) + ".release",
		allStatus: prefix + ".cam.*.status",
		allSnapshots: prefix + ".cam.*.snapshot",
		cameraOf: (subject) => idOf(subject.slice(prefix.length + ".cam.".length).split(".")[0]),
		cameraKey: (camera) => "cams." + tokenOf(camera),
		receiverKey: (receiver) => "receivers." + tokenOf(receiver),
		cameraKeys: "cams.>",
	};
}
