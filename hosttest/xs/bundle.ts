// The module sources the XS engine runs, made with esbuild (TypeScript to ES2022; no API is polyfilled,
// so an ES2023 method stays a call XS cannot make):
// - "main": the firmware (src/main.ts) bundled into one module whose Moddable imports stay imports, so
//   the engine links them as a device build does. Any other import fails here, by name: a Node module
//   ("firmware imports a Node module: node:fs") or anything else no Moddable host provides.
// - one module per Moddable specifier: the host module behind it (hosttest/host/modules.ts), and the
//   files those import ("xscam:host/board", the simulated devices of modules/sim/ as "xscam:sim/…") as
//   modules of their own, so every host module shares one board, as on Node.
// - the XS side of the board (hosttest/xs/runtime/*: "xscam:xs/…") and the boot script.

import { build, type Message, type Plugin } from "esbuild";
import { existsSync } from "node:fs";
import { isBuiltin } from "node:module";
import { basename, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { HOST_MODULES } from "../host/modules";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const HOST = resolve(ROOT, "hosttest/host");
const RUNTIME = resolve(ROOT, "hosttest/xs/runtime");
const TARGET = "es2022";

/** Where the XS-portable files that run beside the firmware live, and the specifiers they get. */
const LINKED = [
	{ dir: HOST, prefix: "xscam:host/" },
	{ dir: RUNTIME, prefix: "xscam:xs/" },
	{ dir: resolve(ROOT, "modules/sim"), prefix: "xscam:sim/" }, // shared with the SDK's simulator
];

/** The firmware's entry point. */
export const FIRMWARE_ENTRY = resolve(ROOT, "src/main.ts");

export interface XsBundle {
	/** Module map: specifier -> ES module source. */
	modules: { [specifier: string]: string };
	/** The start compartment's script (runtime/boot.ts). */
	boot: string;
}

/** Which module each Moddable specifier's host file is, by file. */
const SPECIFIER_OF_FILE = new Map(Object.entries(HOST_MODULES).map(([specifier, file]) => [resolve(HOST, file), specifier]));

function nodeModuleName(path: string): string | undefined {
	return path.startsWith("node:") || isBuiltin(path) ? path : undefined;
}

function failure(error: unknown): Error {
	const messages = (error as { errors?: Message[] }).errors;
	if (!messages?.length) return error as Error;
	return new Error(messages.map((message) => message.text +
		(message.location ? " (" + message.location.file + ":" + message.location.line + ")" : "")).join("\n"));
}

/** The firmware may import the Moddable specifiers and its own files, nothing else. */
const firmwareImports: Plugin = {
	name: "xscam-firmware-imports",
	setup(b) {
		b.onResolve({ filter: /.*/ }, (args) => {
			if (args.kind === "entry-point" || args.path.startsWith(".") || args.path.startsWith("/")) return undefined;
			if (args.path in HOST_MODULES) return { path: args.path, external: true };
			const node = nodeModuleName(args.path);
			if (node) return { errors: [{ text: "firmware imports a Node module: " + node + " (XS has none; see design.md, rules for src/)" }] };
			return { errors: [{ text: "firmware imports \"" + args.path + "\", which no Moddable host provides (hosttest/host/modules.ts lists the modules)" }] };
		});
	},
};

/** The specifier a host, runtime or simulated-device file is known by inside the engine. */
function specifierOf(file: string): string | undefined {
	const moddable = SPECIFIER_OF_FILE.get(file);
	if (moddable) return moddable;
	for (const { dir, prefix } of LINKED) {
		const path = relative(dir, file);
		if (!path.startsWith("..") && path.endsWith(".ts")) return prefix + path.slice(0, -".ts".length);
	}
	return undefined;
}

/** Each host and runtime file is its own module: imports of one another become imports by specifier. */
function linkedImports(found: Set<string>): Plugin {
	return {
		name: "xscam-linked-imports",
		setup(b) {
			b.onResolve({ filter: /.*/ }, (args) => {
				if (args.kind === "entry-point") return undefined;
				const from = relative(ROOT, args.importer);
				if (!args.path.startsWith(".")) {
					const node = nodeModuleName(args.path);
					return { errors: [{ text: from + " imports " + (node ? "a Node module: " + node : "\"" + args.path + "\"") + "; what runs in XS beside the firmware may import only hosttest/host/, hosttest/xs/runtime/ and modules/sim/ files" }] };
				}
				const base = resolve(args.resolveDir, args.path);
				const file = existsSync(base + ".ts") ? base + ".ts" : base;
				const specifier = specifierOf(file);
				if (!specifier) return { errors: [{ text: from + " imports " + relative(ROOT, file) + ", which the XS tier does not run" }] };
				found.add(file);
				return { path: specifier, external: true };
			});
		},
	};
}

/** src/app/version.ts says this version instead (a build that differs, for an update). */
function firmwareVersion(version: string): Plugin {
	return {
		name: "xscam-firmware-version",
		setup(b) {
			b.onLoad({ filter: /[\\/]src[\\/]app[\\/]version\.ts$/ }, () => ({ contents: "export const FIRMWARE_VERSION = " + JSON.stringify(version) + ";", loader: "ts" }));
		},
	};
}

/**
 * The firmware as one ES module whose Moddable imports stay imports: what the XS tier links, and, with
 * `version`, the image of a build that says it is that version (a host camera updates to it).
 */
export async function bundleFirmwareMain(entry = FIRMWARE_ENTRY, version?: string): Promise<string> {
	try {
		const result = await build({
			entryPoints: [entry], bundle: true, write: false, format: "esm", target: TARGET, platform: "neutral",
			logLevel: "silent", legalComments: "none", plugins: version === undefined ? [firmwareImports] : [firmwareImports, firmwareVersion(version)],
		});
		return result.outputFiles[0].text;
	}
	catch (error) {
		throw failure(error);
	}
}

async function bundleLinkedModules(): Promise<{ [specifier: string]: string }> {
	const found = new Set<string>([...SPECIFIER_OF_FILE.keys(), resolve(HOST, "globals.ts"), resolve(RUNTIME, "xs-board.ts")]);
	const modules: { [specifier: string]: string } = {};
	for (let built = new Set<string>(); built.size < found.size;) {
		const files = [...found].filter((file) => !built.has(file));
		for (const file of files) built.add(file);
		try {
			const result = await build({
				entryPoints: files.map((file) => ({ in: file, out: String(files.indexOf(file)) })), outdir: "/out", bundle: true,
				write: false, format: "esm", target: TARGET, platform: "neutral", logLevel: "silent", legalComments: "none",
				plugins: [linkedImports(found)],
			});
			for (const output of result.outputFiles) modules[specifierOf(files[Number(basename(output.path, ".js"))])!] = output.text;
		}
		catch (error) {
			throw failure(error);
		}
	}
	return modules;
}

async function bundleBoot(): Promise<string> {
	const result = await build({
		entryPoints: [resolve(RUNTIME, "boot.ts")], bundle: true, write: false, format: "iife", target: TARGET,
		platform: "neutral", logLevel: "silent", legalComments: "none",
	});
	return result.outputFiles[0].text;
}

let linked: Promise<{ modules: { [specifier: string]: string }; boot: string }> | undefined;
const mains = new Map<string, Promise<string>>();

/** The firmware at `entry` (src/main.ts unless a test says otherwise) with its world; built once per process. */
export async function bundle(entry = FIRMWARE_ENTRY): Promise<XsBundle> {
	linked ??= Promise.all([bundleLinkedModules(), bundleBoot()]).then(([modules, boot]) => ({ modules, boot }));
	let main = mains.get(entry);
	if (!main) mains.set(entry, main = bundleFirmwareMain(entry));
	const [world, firmware] = await Promise.all([linked, main]);
	return { modules: { ...world.modules, main: firmware }, boot: world.boot };
}
