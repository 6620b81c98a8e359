// Options: one table gives defaults, validation, flags and environment variables; a bad value is one
// coded line naming the option as the user gave it.
import { totalmem } from "node:os";
import { describe, expect, it } from "vitest";
import { optionsFrom } from "../../server/cli";
import { cameraBudget, camerasInMemory, FRAMES_HELD, MAX_CAMERAS, memoryForFrames } from "../../server/cameras/camera-budget";
import { OPTION_SPECS, resolveOptions } from "../../server/options";
import { QUEUE_FRAMES } from "../../server/record/recorder";

const argv = (...flags: string[]) => ["node", "xscam-server", ...flags];

describe("resolveOptions", () => {
	it("fills in the defaults", () => {
		expect(resolveOptions({})).toMatchObject({
			ingestPort: 8700, httpPort: 8080, host: "0.0.0.0", maxBodyBytes: 1024 * 1024, pingIntervalMs: 5000, helloTimeoutMs: 10_000,
			viewerStallMs: 20_000, controlTimeoutMs: 5000, maxCameras: camerasInMemory(memoryForFrames(), 4 * 1024 * 1024), record: false, recordCameras: [], recordingDir: "recordings",
			segmentMs: 600_000, retentionMaxAgeMs: 7 * 86_400_000, retentionMaxBytes: 10 * 1024 ** 3, logLevel: "info",
			mqttUrl: "", mqttUsername: "", mqttPasswordFile: "", mqttPrefix: "homeassistant", mqttSnapshotIntervalMs: 10_000,
		});
	});

	it("derives the camera limit from memory and what a camera holds, unless --max-cameras is given", () => {
		const MiB = 1024 * 1024;
		expect(cameraBudget(MiB, false)).toBe(FRAMES_HELD * MiB);
		expect(cameraBudget(MiB, true)).toBe((FRAMES_HELD + QUEUE_FRAMES) * MiB); // a recorded camera's frames wait for the disk too
		expect(camerasInMemory(12 * 1024 * MiB, cameraBudget(MiB, false))).toBe(3072);
		expect(camerasInMemory(MiB, cameraBudget(MiB, false))).toBe(1); // never none
		expect(camerasInMemory(2 ** 50, cameraBudget(4096, false))).toBe(MAX_CAMERAS);
		const budget = (maxBodyBytes: number, recorded: boolean) => camerasInMemory(memoryForFrames(), cameraBudget(maxBodyBytes, recorded));
		expect(resolveOptions({ maxBodyBytes: 4 * MiB }).maxCameras).toBe(budget(4 * MiB, false));
		expect(resolveOptions({ recordCameras: ["porch"] }).maxCameras).toBe(budget(MiB, true));
		expect(resolveOptions({ maxCameras: 64 }).maxCameras).toBe(64);
		expect(memoryForFrames()).toBeLessThanOrEqual(totalmem() / 2);
	});

	it.each([
		[{ ingestPort: 65536 }, "ingestPort must be an integer from 0 to 65535, got 65536"],
		[{ httpPort: -1 }, "httpPort must be an integer from 0 to 65535, got -1"],
		[{ pingIntervalMs: 50 }, "pingIntervalMs must be a duration from 100ms to 1h, got 50"],
		[{ maxBodyBytes: 100 }, "maxBodyBytes must be a size from 4KiB to 64MiB, got 100"],
		[{ retentionMaxBytes: 5 }, "retentionMaxBytes must be a size from 1MiB to 1024TiB, or 0 for no limit, got 5"],
		[{ recordCameras: ["ok", "not ok"] }, "recordCameras must be camera ids (1 to 32 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit), comma-separated, got [\"ok\",\"not ok\"]"],
		// the protocol's own rule: ".x" could never connect, so it cannot be recorded either
		[{ recordCameras: [".x"] }, "recordCameras must be camera ids (1 to 32 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit), comma-separated, got [\".x\"]"],
		[{ logLevel: "loud" }, "logLevel must be one of fatal, error, warn, info, debug, trace, silent, got \"loud\""],
		[{ record: "yes" }, "record must be true or false, got \"yes\""],
		[{ mqttUrl: "http://broker:1883" }, "mqttUrl must be an mqtt:// or mqtts:// URL of a host (and port), got \"http://broker:1883\""],
		[{ mqttUrl: "mqtt://broker/topic" }, "mqttUrl must be an mqtt:// or mqtts:// URL of a host (and port), got \"mqtt://broker/topic\""],
		[{ mqttPrefix: "home/#" }, "mqttPrefix must be MQTT topic levels without + or # (homeassistant), got \"home/#\""],
		[{ mqttPrefix: "home//assistant" }, "mqttPrefix must be MQTT topic levels without + or # (homeassistant), got \"home//assistant\""],
		[{ mqttSnapshotIntervalMs: 100 }, "mqttSnapshotIntervalMs must be a duration from 1s to 1h, got 100"],
		[{ mqttUsername: "" }, "mqttUsername must be a user name of 1 to 256 characters, got \"\""],
	])("refuses %j", (options, message) => {
		expect(() => resolveOptions(options as never)).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION", message: "invalid option " + message.replace(" must", ": must") }));
	});

	it("refuses an option under its old name, naming the new one", () => {
		expect(() => resolveOptions({ maxMessageBytes: 1 << 20 } as never)).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION", message: "invalid option maxMessageBytes: is now maxBodyBytes" }));
		expect(() => optionsFrom(argv(), { XSCAM_MAX_MESSAGE_BYTES: "1MiB" })).toThrow(expect.objectContaining({ message: "invalid option XSCAM_MAX_MESSAGE_BYTES: is now XSCAM_MAX_BODY_BYTES" }));
	});

	it("refuses a broker URL that holds credentials, without repeating them", () => {
		for (const url of ["mqtt://xscam:hunter2@broker:1883", "mqtts://:hunter2@broker", "mqtt://xscam@broker"]) {
			const refusal = (() => {
				try {
					resolveOptions({ mqttUrl: url });
				}
				catch (error) {
					return error as Error & { code: string };
				}
			})();
			expect(refusal).toMatchObject({ code: "XSCAM_ERR_OPTION" });
			expect(refusal!.message).toMatch(/^invalid option mqttUrl: must be a URL without a user name or password \(--mqtt-username; the password in --mqtt-password-file or XSCAM_MQTT_PASSWORD\), got "mqtts?:\/\/broker(:1883)?"$/);
			expect(refusal!.message).not.toContain("hunter2");
		}
		// nor when the text is no URL at all
		expect(() => resolveOptions({ mqttUrl: "xscam:hunter2@broker" })).toThrow("got \"broker\"");
		expect(resolveOptions({ mqttUrl: "mqtts://broker.lan:8883" }).mqttUrl).toBe("mqtts://broker.lan:8883");
	});

	it("allows 0 for the retention limits: no limit", () => {
		expect(resolveOptions({ retentionMaxAgeMs: 0, retentionMaxBytes: 0 })).toMatchObject({ retentionMaxAgeMs: 0, retentionMaxBytes: 0 });
	});
});

describe("the command line", () => {
	it("takes durations and sizes with units", () => {
		expect(optionsFrom(argv("--ping-interval", "2.5s", "--hello-timeout", "500ms", "--segment-length", "15m",
			"--retention-age", "30d", "--retention-size", "20GiB", "--max-body-bytes", "512KiB", "--viewer-stall-timeout", "30"), {})).toEqual({
			pingIntervalMs: 2500, helloTimeoutMs: 500, segmentMs: 900_000, retentionMaxAgeMs: 30 * 86_400_000,
			retentionMaxBytes: 20 * 1024 ** 3, maxBodyBytes: 512 * 1024, viewerStallMs: 30_000,
		});
	});

	it("reads XSCAM_* variables, and a flag wins over its variable", () => {
		const env = { XSCAM_HTTP_PORT: "9000", XSCAM_INGEST_PORT: "9001", XSCAM_RECORD: "on", XSCAM_RECORD_CAMERAS: "porch, garage", XSCAM_LOG_LEVEL: "DEBUG" };
		expect(optionsFrom(argv("--http-port", "9100"), env)).toEqual({
			httpPort: 9100, ingestPort: 9001, record: true, recordCameras: ["porch", "garage"], logLevel: "debug",
		});
		expect(optionsFrom(argv(), { XSCAM_RECORD: "0" })).toEqual({ record: false });
		expect(optionsFrom(argv("--record"), {})).toEqual({ record: true });
		expect(optionsFrom(argv("--mqtt", "mqtt://broker", "--mqtt-snapshot-interval", "30s"), { XSCAM_MQTT_USERNAME: "xscam", XSCAM_MQTT_PREFIX: "ha" }))
			.toEqual({ mqttUrl: "mqtt://broker", mqttSnapshotIntervalMs: 30_000, mqttUsername: "xscam", mqttPrefix: "ha" });
	});

	it("has no flag for the MQTT password, only a file or a variable", () => {
		expect(Object.values(OPTION_SPECS).map((spec) => spec.flag).filter((flag) => flag.includes("password"))).toEqual(["--mqtt-password-file <path>"]);
		expect(optionsFrom(argv(), { XSCAM_MQTT_PASSWORD: "hunter2" })).toEqual({}); // read by the MQTT part (credentials.ts), never an option
	});

	it("names the flag, or the variable, that holds a bad value", () => {
		expect(() => optionsFrom(argv("--http-port", "eighty"), {})).toThrow("invalid option --http-port: must be an integer from 0 to 65535, got \"eighty\"");
		expect(() => optionsFrom(argv(), { XSCAM_PING_INTERVAL: "5 parsecs" })).toThrow("invalid option XSCAM_PING_INTERVAL: must be a duration");
		expect(() => optionsFrom(argv(), { XSCAM_RECORD: "maybe" })).toThrow("invalid option XSCAM_RECORD: must be true or false, got \"maybe\"");
	});

	it("has a flag and a variable for every option", () => {
		for (const spec of Object.values(OPTION_SPECS)) {
			expect(spec.flag).toMatch(/^--[a-z-]+( <[a-z]+>)?$/);
			expect(spec.env).toMatch(/^XSCAM_[A-Z_]+$/);
		}
	});
});
