// The receiver's secret files (camera keys, viewers' password hashes and token hashes): JSON, read at
// start, written whole to a temporary file and renamed over the old one, so a crash never leaves half a
// file, with mode 0600 so only the receiver's user reads it. A file that others can read is used, with
// one warning naming it: refusing to start would be worse than the risk it reports.

import { chmodSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
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
		throw xscamError("XSCAM_ERR_SECRET_FILE", path, "not JSON: " + (error as Error).message);
	}
}

export function writeSecretFile(path: string, value: unknown): void {
	const temporary = path + ".new";
	writeFileSync(temporary, JSON.stringify(value, null, "\t") + "\n", { mode: 0o600 });
	chmodSync(temporary, 0o600); // the mode applies only to a file writeFileSync creates
	renameSync(temporary, path);
}
