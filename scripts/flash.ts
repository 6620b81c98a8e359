// `npm run flash`: builds the firmware with the Moddable SDK and flashes a board (the AI-Thinker
// ESP32-CAM unless `-- --board <name>` picks another of scripts/boards.ts), passing the Wi-Fi and
// receiver settings from xscam.local.json (git-ignored; copy xscam.local.example.json) to mcconfig as
// key=value arguments. The settings are checked first, by the firmware's own rules, so a typo fails in
// a second instead of after a build and a flash. The build is a debug build (-d: trace lines go to
// xsbug) unless you ask for `-- -i` (instrumented: trace lines and stats on the serial console) or
// `-- --release`. Other arguments after `--` go to mcconfig (e.g. `npm run flash -- -t clean`).
// Needs the Moddable SDK 8.2.x and ESP-IDF v6.0 (README.md).

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { isUnconfigured, readSettings, readSetupSettings } from "../src/app/settings";
import { pickBoard, type BoardProfile } from "./boards";

const root = fileURLToPath(new URL("..", import.meta.url));
const LOCAL = join(root, "xscam.local.json");

function fail(message: string): never {
	process.stderr.write("flash: " + message + "\n");
	process.exit(1);
}

let board: BoardProfile;
let extra: string[];
try {
	({ board, rest: extra } = pickBoard(process.argv.slice(2)));
}
catch (error) {
	fail((error as Error).message);
}
if (!process.env.MODDABLE) fail("MODDABLE is not set: install the Moddable SDK 8.2.x (README.md, \"Flashing a real ESP32-CAM\")");
if (!process.env.IDF_PATH) fail("IDF_PATH is not set: install ESP-IDF v6.0 and run `source $IDF_PATH/export.sh` in this shell");
if (!existsSync(LOCAL)) fail("no xscam.local.json: copy xscam.local.example.json and fill in your Wi-Fi and receiver");

let local: { [key: string]: unknown };
try {
	local = JSON.parse(readFileSync(LOCAL, "utf8"));
}
catch (error) {
	fail("xscam.local.json is not valid JSON: " + (error as Error).message);
}
// tlsCa may name the receiver's CA file (PEM): the firmware takes its base64 DER, which is the PEM's body.
if (typeof local.tlsCa === "string" && local.tlsCa !== "" && existsSync(join(root, local.tlsCa))) {
	const pem = readFileSync(join(root, local.tlsCa), "utf8");
	const body = /-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/.exec(pem);
	if (!body) fail("xscam.local.json: tlsCa names " + local.tlsCa + ", which holds no PEM certificate");
	local.tlsCa = body[1].replace(/\s+/g, "");
}
// The date the device may believe at its first start: TLS refuses certificates it thinks are not yet valid (src/app/clock.ts).
local.builtAt ??= Math.floor(Date.now() / 1000);
// mcconfig hands every key=value to the firmware as a string; check them as the firmware will: without
// a network or a receiver it starts in setup mode, which needs only its id and setupPassword.
const args = Object.entries(local).map(([key, value]) => key + "=" + String(value));
const asStrings = Object.fromEntries(Object.entries(local).map(([key, value]) => [key, String(value)]));
try {
	const config = { board: board.name, key: "", id: "esp32cam", ...asStrings };
	if (isUnconfigured(config)) readSetupSettings(config);
	else readSettings(config);
}
catch (error) {
	fail("xscam.local.json: " + (error as Error).message.replace(/^config: /, ""));
}

// mcconfig compiles TypeScript with whatever `tsc` is first on PATH and asks for ES2025 (TypeScript 6+):
// put the project's pinned TypeScript first.
const env = { ...process.env, PATH: join(root, "node_modules", ".bin") + delimiter + process.env.PATH };
const kind = extra.includes("-i") || extra.includes("--release") ? [] : ["-d"];
const mcconfig = [...kind, "-m", "-p", board.platform, ...args, ...extra.filter((arg) => arg !== "--release")];
const SECRET = /^(password|key|setupPassword)=/;
const LONG = /^(tlsCa)=/; // not secret, but a kilobyte of base64
process.stdout.write("flash: mcconfig " + mcconfig.map((arg) => SECRET.test(arg) ? arg.split("=")[0] + "=…" : LONG.test(arg) ? "tlsCa=(" + (arg.length - 6) + " characters)" : arg).join(" ") + "\n");
const result = spawnSync("mcconfig", mcconfig, { cwd: root, env, stdio: "inherit" });
if (result.error) fail("cannot run mcconfig (" + result.error.message + "): is $MODDABLE/build/bin/<platform>/release on PATH?");
process.exit(result.status ?? 1);
