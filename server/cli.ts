// xscam-server: flags and XSCAM_* environment variables -> options -> a running receiver, until SIGINT
// or SIGTERM. Every flag comes from options.ts's table. A bad value, a port in use or an unusable
// recording directory is one line and a non-zero exit, never a stack trace.

import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { admin, ADMIN_COMMANDS } from "./admin";
import { isXscamError, xscamError } from "./errors";
import { OPTION_SPECS, parseOption, RENAMED_ENV, showDefault } from "./options";
import type { OptionKey, ReceiverOptions } from "./options";
import { createReceiver } from "./receiver";
import type { Receiver } from "./receiver";

const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const EXAMPLES = `
Durations take a unit (500ms, 5s, 10m, 12h, 30d; a bare number is seconds); sizes too (512KiB, 1MiB,
20GB; a bare number is bytes). A flag wins over its environment variable.

Examples:
  xscam-server                                   cameras on :8700, web page on http://localhost:8080/
  xscam-server --record --retention-age 14d --retention-size 50GiB --recording-dir /srv/xscam
  XSCAM_HTTP_PORT=8081 XSCAM_RECORD_CAMERAS=porch,garage xscam-server

Secrets (docs/security.md):
  xscam-server keys add <id>          a camera's key, printed once (keys list, keys remove <id>)
  xscam-server users add <name>       a person who may log in (--control: may change settings)
  xscam-server tokens add <label>     a token for VLC, ffmpeg, Home Assistant… (--control), printed once

Firmware updates (README, "Updating a camera"):
  xscam-server firmware add <file> --version <v> --board <board>    (firmware list, firmware remove <board> <v>)

Per camera: /cameras/<id>/stream.mjpeg (MJPEG), /cameras/<id>/snapshot.jpg, /api/cameras/<id> (JSON),
POST /api/cameras/<id>/control, POST /api/cameras/<id>/update; all cameras: /api/cameras; Prometheus: /metrics.`;

function version(): string {
	const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
	return pkg.version;
}

/** Parses argv and the environment into receiver options; throws XSCAM_ERR_OPTION naming the flag or variable. */
export function optionsFrom(argv: string[], env: NodeJS.ProcessEnv): ReceiverOptions {
	const program = new Command("xscam-server")
		.description("The xscam receiver: takes the cameras' streams, serves them to any number of viewers, records them.")
		.version(version())
		.helpOption("-h, --help", "show this help")
		.addHelpText("after", EXAMPLES)
		.showSuggestionAfterError()
		.exitOverride((error) => {
			// --help and --version exit 0; a usage error (unknown flag, missing value) exits 2 after commander's one line
			process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE);
		});
	const keys = Object.keys(OPTION_SPECS) as OptionKey[];
	const flags = new Map<OptionKey, Option>();
	for (const key of keys) {
		const spec = OPTION_SPECS[key];
		const option = new Option(spec.flag, spec.help + " [env " + spec.env + ", default " + showDefault(key) + "]");
		flags.set(key, option);
		program.addOption(option);
	}
	program.parse(argv);
	for (const [old, now] of Object.entries(RENAMED_ENV)) if (env[old] !== undefined) throw xscamError("XSCAM_ERR_OPTION", old, "is now " + now);
	const given = program.opts();
	const options: { [key: string]: unknown } = {};
	for (const key of keys) {
		const option = flags.get(key)!;
		const value: unknown = given[option.attributeName()];
		const { env: variable } = OPTION_SPECS[key];
		if (typeof value === "string") options[key] = parseOption(key, value, option.long!);
		else if (value === true) options[key] = true; // a boolean flag
		else if (env[variable] !== undefined) options[key] = parseOption(key, env[variable]!, variable);
	}
	return options as ReceiverOptions;
}

function fail(error: unknown, code: number): never {
	const message = isXscamError(error) ? error.message : String((error as Error)?.message ?? error);
	process.stderr.write("xscam-server: " + message + "\n");
	process.exit(code);
}

export async function main(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): Promise<void> {
	if (ADMIN_COMMANDS.includes(argv[2])) {
		try {
			await admin(argv, env);
		}
		catch (error) {
			const { exitCode } = error as { exitCode?: number };
			if (exitCode !== undefined) process.exit(exitCode === 0 ? 0 : EXIT_USAGE); // commander said why
			fail(error, EXIT_USAGE);
		}
		return;
	}
	let receiver: Receiver;
	try {
		receiver = createReceiver({ ...optionsFrom(argv, env), processMetrics: true });
	}
	catch (error) {
		fail(error, EXIT_USAGE);
	}
	// The signal handlers come first: a Ctrl-C while the ports are being bound still closes cleanly.
	let starting: Promise<unknown> = Promise.resolve();
	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) {
			receiver.log.warn("second " + signal + ": exiting without a clean close");
			process.exit(EXIT_FAILURE);
		}
		stopping = true;
		receiver.log.info("received " + signal + ", closing");
		starting.catch(() => {}).then(() => receiver.close()).then(() => process.exit(0), (error) => fail(error, EXIT_FAILURE));
	};
	process.on("SIGINT", stop);
	process.on("SIGTERM", stop);
	try {
		await (starting = receiver.start());
	}
	catch (error) {
		if (!isXscamError(error)) receiver.log.fatal({ err: error }, "the receiver failed to start"); // a bug: keep its stack
		fail(error, EXIT_FAILURE);
	}
}
