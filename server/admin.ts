// The receiver's secrets and files from the command line (docs/security.md): `xscam-server keys …` for
// the cameras' keys, `users …` and `tokens …` for who may watch and change settings, `firmware …` for
// the images the cameras can be updated to. A new key or token is
// printed once, here, and never again; a password is read from the terminal without echo (or from the
// first line of standard input, for scripts) and only its scrypt hash is kept.

import { createInterface } from "node:readline";
import { Writable } from "node:stream";
import { Command } from "commander";
import { CameraKeys } from "./auth/camera-keys";
import { ViewerAccess, type Right } from "./auth/viewer-access";
import { OPTION_SPECS } from "./options";
import { FirmwareStore } from "./update/firmware-store";

export const ADMIN_COMMANDS = ["keys", "users", "tokens", "firmware"];

function fileOption(key: "keysFile" | "usersFile" | "firmwareDir", env: NodeJS.ProcessEnv): [string, string, string] {
	const spec = OPTION_SPECS[key];
	return [spec.flag, spec.help + " [env " + spec.env + "]", env[spec.env] ?? spec.default];
}

const say = (line: string) => process.stdout.write(line + "\n");

/** A password: typed twice on a terminal, unseen; else the first line of standard input. */
async function readPassword(): Promise<string> {
	if (!process.stdin.isTTY) {
		let text = "";
		for await (const chunk of process.stdin) text += chunk;
		return text.split(/\r?\n/)[0];
	}
	let muted = false;
	const output = new Writable({ write(chunk, _encoding, done) { if (!muted) process.stdout.write(chunk); done(); } });
	const lines = createInterface({ input: process.stdin, output, terminal: true });
	const ask = (question: string) => new Promise<string>((resolve) => {
		lines.question(question, (answer) => { muted = false; process.stdout.write("\n"); resolve(answer); });
		muted = true;
	});
	try {
		const first = await ask("password: ");
		if (first !== await ask("again: ")) throw new Error("the two passwords differ");
		return first;
	}
	finally {
		lines.close();
	}
}

const rightsOf = (control: boolean): Right[] => (control ? ["view", "control"] : ["view"]);

export async function admin(argv: string[], env: NodeJS.ProcessEnv): Promise<void> {
	const program = new Command("xscam-server").exitOverride().showSuggestionAfterError();
	const keys = program.command("keys").description("the keys of the cameras this receiver accepts");
	keys.command("add <id>").description("make a new key for camera <id> and print it (once)").option(...fileOption("keysFile", env))
		.action((id: string, options: { keysFile: string }) => {
			const key = new CameraKeys(options.keysFile, say).add(id);
			say("key of camera " + id + " (shown this once; flash it into the camera: \"key\": \"…\" in xscam.local.json):");
			say(key);
		});
	keys.command("list").description("the cameras that have keys (never the keys)").option(...fileOption("keysFile", env))
		.action((options: { keysFile: string }) => {
			for (const { id, added } of new CameraKeys(options.keysFile, say).list()) say(id + "\tadded " + added);
		});
	keys.command("remove <id>").description("forget camera <id>'s key: it can no longer connect").option(...fileOption("keysFile", env))
		.action((id: string, options: { keysFile: string }) => {
			say(new CameraKeys(options.keysFile, say).remove(id) ? "removed the key of camera " + id : "camera " + id + " had no key");
		});

	const users = program.command("users").description("the people who may log in to the web page");
	users.command("add <name>").description("add a user (or set a new password); the password is asked for").option("--control", "may change cameras' settings, not only watch")
		.option(...fileOption("usersFile", env))
		.action(async (name: string, options: { control?: boolean; usersFile: string }) => {
			const access = new ViewerAccess(options.usersFile, say);
			access.addUser(name, await readPassword(), rightsOf(options.control === true));
			say("user " + name + " may " + (options.control ? "watch and change settings" : "watch"));
		});
	users.command("list").option(...fileOption("usersFile", env))
		.action((options: { usersFile: string }) => {
			for (const user of new ViewerAccess(options.usersFile, say).list().users) say(user.name + "\t" + user.rights.join(",") + "\tadded " + user.added);
		});
	users.command("remove <name>").option(...fileOption("usersFile", env))
		.action((name: string, options: { usersFile: string }) => {
			say(new ViewerAccess(options.usersFile, say).removeUser(name) ? "removed user " + name : "no user " + name);
		});

	const tokens = program.command("tokens").description("tokens for the clients that cannot log in (VLC, ffmpeg, Home Assistant, go2rtc)");
	tokens.command("add <label>").description("make a token and print it (once)").option("--control", "may change cameras' settings, not only watch")
		.option(...fileOption("usersFile", env))
		.action((label: string, options: { control?: boolean; usersFile: string }) => {
			const token = new ViewerAccess(options.usersFile, say).addToken(label, rightsOf(options.control === true));
			say("token " + label + " (shown this once; give it as ?token=…, a bearer header, or the password of basic auth):");
			say(token);
		});
	tokens.command("list").option(...fileOption("usersFile", env))
		.action((options: { usersFile: string }) => {
			for (const token of new ViewerAccess(options.usersFile, say).list().tokens) say(token.label + "\t" + token.rights.join(",") + "\tadded " + token.added);
		});
	tokens.command("remove <label>").description("revoke a token: a running receiver refuses it from the next request").option(...fileOption("usersFile", env))
		.action((label: string, options: { usersFile: string }) => {
			say(new ViewerAccess(options.usersFile, say).removeToken(label) ? "removed token " + label : "no token " + label);
		});
	const firmware = program.command("firmware").description("the firmware images the cameras can be updated to over the network");
	firmware.command("add <file>").description("add a firmware image (the build's .bin) for cameras of one board")
		.requiredOption("--version <version>", "its version, as the firmware reports it in its hello")
		.requiredOption("--board <board>", "the board it is built for, as the camera reports it (esp32cam, …)")
		.option(...fileOption("firmwareDir", env))
		.action((file: string, options: { version: string; board: string; firmwareDir: string }) => {
			const image = new FirmwareStore(options.firmwareDir).add(file, options.board, options.version);
			say("firmware " + image.version + " for " + image.board + ": " + image.size + " bytes, sha256 " + image.sha256);
		});
	firmware.command("list").option(...fileOption("firmwareDir", env))
		.action((options: { firmwareDir: string }) => {
			for (const image of new FirmwareStore(options.firmwareDir).list()) say(image.board + "\t" + image.version + "\t" + image.size + " bytes\tsha256 " + image.sha256 + "\tadded " + image.added);
		});
	firmware.command("remove <board> <version>").option(...fileOption("firmwareDir", env))
		.action((board: string, version: string, options: { firmwareDir: string }) => {
			say(new FirmwareStore(options.firmwareDir).remove(board, version) ? "removed firmware " + version + " for " + board : "no firmware " + version + " for " + board);
		});
	await program.parseAsync(argv);
}
