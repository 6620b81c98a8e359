// VLC as the e2e tests run it: headless, its scene filter writing every picture it decodes to a PNG,
// stopped once it has written enough (a live stream never ends, and VLC ignores --run-time on one).
// VLC refuses to run as root, so as root it runs as nobody, in a folder nobody may write.

import { spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface VlcRun {
	/** Where the pictures are; the caller removes it. */
	folder: string;
	/** The PNGs VLC wrote, in order. */
	pictures: string[];
	stderr: string;
}

/** Plays `input` (VLC's arguments: the URL and any options) until `wanted` pictures or 30 s. Not spawnSync: the receiver runs in this process. */
export async function playWithVlc(input: string[], wanted: number): Promise<VlcRun> {
	const folder = mkdtempSync(join(tmpdir(), "xscam-vlc-"));
	chmodSync(folder, 0o777);
	const vlc = ["cvlc", "-q", "--intf", "dummy", "--no-audio", "--vout", "dummy", ...input,
		"--video-filter", "scene", "--scene-path", folder, "--scene-prefix", "picture", "--scene-format", "png", "--scene-ratio", "1"];
	const command = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--", "env", "HOME=/tmp", ...vlc] : vlc;
	const player = spawn(command[0], command.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
	let stderr = "";
	player.stderr.on("data", (data) => stderr += data);
	const exited = new Promise((resolve) => player.once("close", resolve));
	const pictures = () => readdirSync(folder).filter((name) => name.endsWith(".png")).sort();
	const deadline = Date.now() + 30_000;
	while (pictures().length < wanted && player.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
	player.kill();
	await exited;
	return { folder, pictures: pictures(), stderr };
}

/**
 * "width,height" of a picture VLC wrote. Its scene filter writes the whole buffer VLC decoded into,
 * whose height VLC pads to a multiple of 32 lines: 240 lines come out as 256, the last 16 black.
 */
export function pictureSize(path: string): string {
	return spawnSync("ffprobe", ["-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", path], { encoding: "utf8" }).stdout.trim();
}
