// The firmware images a receiver can offer its cameras (`xscam-server firmware add`), one folder per
// board under --firmware-dir: <board>/<version>.bin and, beside it, <version>.json with its SHA-256, size
// and when it was added. The hash is computed once, when the image is added; an update sends it in its
// offer and the camera checks what it wrote against it. Versions and boards are names safe in paths
// (the protocol's id rule), so no request can reach outside the folder.

import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ID_PATTERN, ID_RULE } from "../../src/protocol/constants";
import { xscamError } from "../errors";

export interface FirmwareImage {
	board: string;
	version: string;
	size: number;
	/** Hex. */
	sha256: string;
	/** ISO 8601. */
	added: string;
}

/** An ESP32 app image is under 2 MB (one OTA slot of 4 MB of flash); more is surely the wrong file. */
export const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
const NAME_BYTES = 64;

function checkName(what: "board" | "version", name: string): void {
	if (typeof name !== "string" || name.length === 0 || name.length > NAME_BYTES || !ID_PATTERN.test(name))
		throw xscamError("XSCAM_ERR_FIRMWARE", JSON.stringify(name), "a " + what + " must be " + ID_RULE.replace("32", String(NAME_BYTES)));
}

export class FirmwareStore {
	readonly #dir: string;

	constructor(dir: string) {
		this.#dir = dir;
	}

	/** Copies the image at `file` into the store as `version` for `board`; a version is added once. */
	add(file: string, board: string, version: string): FirmwareImage {
		checkName("board", board);
		checkName("version", version);
		if (this.get(board, version)) throw xscamError("XSCAM_ERR_FIRMWARE", board + " " + version, "is already in the store (firmware remove it first)");
		let bytes: Buffer;
		try {
			bytes = readFileSync(file);
		}
		catch (error) {
			throw xscamError("XSCAM_ERR_FIRMWARE", file, (error as Error).message);
		}
		if (bytes.byteLength === 0 || bytes.byteLength > MAX_IMAGE_BYTES)
			throw xscamError("XSCAM_ERR_FIRMWARE", file, "is " + bytes.byteLength + " bytes; an image is 1 byte to " + MAX_IMAGE_BYTES / 1024 / 1024 + " MiB");
		const image: FirmwareImage = {
			board, version, size: bytes.byteLength, sha256: createHash("sha256").update(bytes).digest("hex"), added: new Date().toISOString(),
		};
		mkdirSync(join(this.#dir, board), { recursive: true });
		writeFileSync(join(this.#dir, board, version + ".bin"), bytes);
		writeFileSync(join(this.#dir, board, version + ".json"), JSON.stringify(image, null, "\t") + "\n"); // last: an image without it is not listed
		return image;
	}

	/** Every image, or a board's, by board then version. */
	list(board?: string): FirmwareImage[] {
		const boards = board === undefined ? this.#boards() : [board];
		const images: FirmwareImage[] = [];
		for (const name of boards) {
			let files: string[];
			try {
				files = readdirSync(join(this.#dir, name));
			}
			catch {
				continue; // no images for that board
			}
			for (const file of files.filter((entry) => entry.endsWith(".json")).sort()) {
				const image = this.get(name, file.slice(0, -".json".length));
				if (image) images.push(image);
			}
		}
		return images;
	}

	get(board: string, version: string): FirmwareImage | undefined {
		if (!ID_PATTERN.test(board) || !ID_PATTERN.test(version)) return undefined;
		try {
			return JSON.parse(readFileSync(join(this.#dir, board, version + ".json"), "utf8")) as FirmwareImage;
		}
		catch {
			return undefined;
		}
	}

	/** The image's bytes, checked against the hash it was added with (a file changed since is refused). */
	read(image: FirmwareImage): Buffer {
		const bytes = readFileSync(join(this.#dir, image.board, image.version + ".bin"));
		if (createHash("sha256").update(bytes).digest("hex") !== image.sha256)
			throw xscamError("XSCAM_ERR_FIRMWARE", image.board + " " + image.version, "changed on disk since it was added");
		return bytes;
	}

	remove(board: string, version: string): boolean {
		if (!this.get(board, version)) return false;
		rmSync(join(this.#dir, board, version + ".json"));
		rmSync(join(this.#dir, board, version + ".bin"), { force: true });
		return true;
	}

	#boards(): string[] {
		try {
			return readdirSync(this.#dir, { withFileTypes: true }).filter((entry) => entry.isDirectory() && ID_PATTERN.test(entry.name)).map((entry) => entry.name).sort();
		}
		catch {
			return []; // no store yet
		}
	}
}
