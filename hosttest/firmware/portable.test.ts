// The firmware must run in XS on the device: src/ imports only the Moddable modules the hosts supply
// and its own files, and uses none of the Node or browser globals a device lacks. (The XS-engine tier,
// hosttest/xs/, proves it by running the firmware; this says at once which file broke the rule.)

import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { HOST_MODULES } from "../host/modules";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));
const files = readdirSync(SRC, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
// A global, not a property of the same name (an HMAC's process() is no Node `process`).
const FORBIDDEN_GLOBALS = /(?<![.\w])(setTimeout|setInterval|setImmediate|queueMicrotask|process|Buffer|require|console|TextEncoder|TextDecoder|structuredClone|window|document)\b/;

it.each(files)("%s imports only Moddable specifiers and relative paths", (file) => {
	const source = readFileSync(join(SRC, file), "utf8");
	const specifiers = [...source.matchAll(/^\s*(?:import|export)\b[^"']*?from\s*["']([^"']+)["']/gm)].map((match) => match[1]);
	for (const specifier of specifiers) {
		const allowed = specifier.startsWith("./") || specifier.startsWith("../") || specifier in HOST_MODULES;
		expect(allowed, relative(SRC, join(SRC, file)) + " imports " + specifier).toBe(true);
	}
});

it.each(files)("%s uses no Node or browser global", (file) => {
	const code = readFileSync(join(SRC, file), "utf8").replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, "").replace(/"(?:[^"\\\n]|\\.)*"/g, '""');
	expect(code.match(FORBIDDEN_GLOBALS)?.[0]).toBeUndefined();
});
