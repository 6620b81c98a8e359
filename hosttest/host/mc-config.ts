// mc/config: the board's manifest config with its command-line values merged last, deep-frozen, as
// mcconfig generates it (tools/mcconfig.js; reference/moddable-sdk.md §4). Command-line values are
// strings, always, and a command-line key replaces a manifest value wholesale.

import { board } from "./board";

function deepFreeze<T>(value: T): T {
	if (typeof value === "object" && value !== null) {
		for (const key of Object.keys(value)) deepFreeze((value as { [key: string]: unknown })[key]);
		Object.freeze(value);
	}
	return value;
}

const { manifest, commandLine } = board().config;
for (const key of Object.keys(commandLine)) {
	if (typeof commandLine[key] !== "string") throw new TypeError("host: command-line config " + key + " must be a string");
}

const config: { readonly [key: string]: unknown } = deepFreeze({ ...JSON.parse(JSON.stringify(manifest)), ...commandLine });
export default config;
