// The keys of the cameras this receiver accepts, one per camera id (docs/security.md): 32 random bytes
// each, made here (`xscam-server keys add <id>` prints a new one once) and flashed into that camera
// (`key=` in xscam.local.json). The file holds them as hex; nothing prints or logs a key after it was made.

import { randomBytes } from "node:crypto";
import { ID_PATTERN, ID_RULE, KEY_BYTES, MAX_ID_BYTES } from "../../src/protocol/constants";
import { xscamError } from "../errors";
import { isObject } from "../../src/protocol/fields";
import { SecretFile } from "./secret-file";

interface Entry {
	key: string;
	added: string;
}

const HEX_KEY = new RegExp("^[0-9a-f]{" + 2 * KEY_BYTES + "}$");

/** What ingest asks of the keys: a camera's key by its id. */
export interface KeyLookup {
	/** The key of camera `id`, or undefined when it has none. */
	get(id: string): Uint8Array | undefined;
	readonly size: number;
}

export class CameraKeys implements KeyLookup {
	readonly #file: SecretFile<Map<string, Entry>>;

	/** The keys of `path` (none when it does not exist), followed while the receiver runs; in memory only when `path` is undefined. */
	constructor(path: string | undefined, warn: (line: string) => void = () => {}) {
		this.#file = new SecretFile(path, (file) => parseKeys(file, path!), warn);
	}

	get size(): number {
		return this.#file.contents.size;
	}

	/** The key of camera `id`, or undefined when it has none. */
	get(id: string): Uint8Array | undefined {
		const entry = this.#file.contents.get(id);
		return entry && Buffer.from(entry.key, "hex");
	}

	/** Makes a new key for `id` (replacing any it had), saves the file, and returns the key as hex: the one time it is shown. */
	add(id: string, now = new Date()): string {
		if (!validId(id)) throw xscamError("XSCAM_ERR_OPTION", "camera id " + JSON.stringify(id), "must be " + ID_RULE);
		const key = randomBytes(KEY_BYTES).toString("hex");
		this.#file.contents.set(id, { key, added: now.toISOString() });
		this.#save();
		return key;
	}

	/** Forgets `id`'s key; returns whether it had one. */
	remove(id: string): boolean {
		const had = this.#file.contents.delete(id);
		if (had) this.#save();
		return had;
	}

	/** Ids and when their keys were made, never the keys. */
	list(): { id: string; added: string }[] {
		return [...this.#file.contents].map(([id, { added }]) => ({ id, added })).sort((a, b) => (a.id < b.id ? -1 : 1));
	}

	#save(): void {
		this.#file.save({ cameras: Object.fromEntries(this.#file.contents) });
	}
}

function parseKeys(file: unknown, path: string): Map<string, Entry> {
	const entries = new Map<string, Entry>();
	if (file === undefined) return entries;
	const cameras = isObject(file) ? file.cameras : undefined;
	if (!isObject(cameras)) throw xscamError("XSCAM_ERR_SECRET_FILE", path, "no \"cameras\" object");
	for (const [id, entry] of Object.entries(cameras)) {
		if (!isObject(entry) || typeof entry.key !== "string" || !HEX_KEY.test(entry.key) || !validId(id))
			throw xscamError("XSCAM_ERR_SECRET_FILE", path, "camera " + JSON.stringify(id) + " needs a key of " + 2 * KEY_BYTES + " hex digits");
		entries.set(id, { key: entry.key, added: typeof entry.added === "string" ? entry.added : "" });
	}
	return entries;
}

function validId(id: string): boolean {
	return id.length <= MAX_ID_BYTES && ID_PATTERN.test(id);
}
