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

// mcconfig builds only the modules the manifest names: a folder of src/ it does not map is left out, and
// the device aborts at start on the first import of it (the JavaScript stage does not link imports).
const folders = [...new Set(files.map((file) => file.split(/[\\/]/).slice(0, -1).join("/")).filter((folder) => folder !== ""))];
const manifest = JSON.parse(readFileSync(join(SRC, "../manifest.json"), "utf8")) as { modules: { [specifier: string]: unknown } };

it.each(folders)("manifest.json builds src/%s", (folder) => {
	expect(manifest.modules["xscam/" + folder + "/*"]).toBe("./src/" + folder + "/*");
});
