// The receiver's secret files (camera keys, viewers' password hashes and token hashes): JSON, read at
// start and again whenever a lookup finds the file changed (so `xscam-server keys remove` or `tokens
// remove` takes effect on a running receiver at the next connection or request), written whole to a
// temporary file, flushed to the disk and renamed over the old one, so neither a crash nor a power cut
// leaves half a file, with mode 0600 so
// only the receiver's user reads it. A file that others can read is used, with one warning naming it:
// refusing to start would be worse than the risk it reports.

import { chmodSync, closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { xscamError } from "../errors";

/** The file's JSON, or undefined when there is no file; XSCAM_ERR_SECRET_FILE when it cannot be read or parsed. */
export function readSecretFile(path: string, warn: (line: string) => void): unknown {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	}
	catch (error) {
		if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
		throw xscamError("XSCAM_ERR_SECRET_FILE", path, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
	}
	if ((statSync(path).mode & 0o077) !== 0) warn(path + " can be read by other users of this machine: chmod 600 " + path);
	try {
		return JSON.parse(text);
	}
	catch (error) {
		// Not the parser's message: it quotes the text around the error, which may be a key.
		throw xscamError("XSCAM_ERR_SECRET_FILE", path, "not valid JSON" + where(text, (error as Error).message));
	}
}

/** " at line L, column C" when the parser's message gives a position, else nothing. */
function where(text: string, message: string): string {
	const position = /at position (\d+)/.exec(message);
	if (!position) return "";
	const before = text.slice(0, Number(position[1])).split("\n");
	return " at line " + before.length + ", column " + (before[before.length - 1].length + 1);
}

/** What tells a file's versions apart without reading it. */
function versionOf(path: string): string {
	try {
		const { mtimeMs, size, ino } = statSync(path);
		return mtimeMs + ":" + size + ":" + ino;
	}
	catch {
		return "none";
	}
}

/**
 * A secret file as its contents `T` (`parse` makes them from the JSON, or from undefined: no file; it
 * throws XSCAM_ERR_SECRET_FILE for contents it cannot use), followed while the receiver runs. Without
 * a path, the contents live in memory only (tests, and a receiver given its keys).
 */
export class SecretFile<T> {
	readonly path: string | undefined;
	readonly #parse: (json: unknown) => T;
	readonly #warn: (line: string) => void;
	#version = "";
	#contents: T;

	/** Throws XSCAM_ERR_SECRET_FILE at start: a receiver does not start on a file it cannot read. */
	constructor(path: string | undefined, parse: (json: unknown) => T, warn: (line: string) => void) {
		this.path = path;
		this.#parse = parse;
		this.#warn = warn;
		this.#contents = this.#read();
	}

	/** The contents, read again first if the file changed. A change that cannot be read is reported once; the last good contents stay. */
	get contents(): T {
		if (this.path !== undefined && versionOf(this.path) !== this.#version) {
			try {
				this.#contents = this.#read();
			}
			catch (error) {
				this.#warn((error as Error).message + "; keeping what it held before");
			}
		}
		return this.#contents;
	}

	/** Writes `json`, the contents as they are now. */
	save(json: unknown): void {
		if (this.path === undefined) return;
		writeSecretFile(this.path, json);
		this.#version = versionOf(this.path);
	}

	#read(): T {
		this.#version = this.path === undefined ? "" : versionOf(this.path); // first: a write while reading is seen next time
		return this.#parse(this.path === undefined ? undefined : readSecretFile(this.path, this.#warn));
	}
}

export function writeSecretFile(path: string, value: unknown): void {
	const temporary = path + ".new";
	const fd = openSync(temporary, "w", 0o600);
	try {
		writeFileSync(fd, JSON.stringify(value, null, "\t") + "\n");
		fsyncSync(fd); // on the disk before the rename makes it the file
	}
	finally {
		closeSync(fd);
	}
	chmodSync(temporary, 0o600); // the mode applies only to a file openSync creates
	renameSync(temporary, path);
}
