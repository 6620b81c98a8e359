// Config validation: every key, good and bad, as the manifest gives it and as mcconfig's command line
// gives it (strings). A bad value is one line that names the key and what is allowed.

import { describe, expect, it } from "vitest";
import { isUnconfigured, readSettings, readSetupSettings } from "../../src/app/settings";

const GOOD = {
	ssid: "home", password: "correct horse", server: "receiver.local", port: 8700, id: "cam-1",
	key: "", frameSize: "VGA", frameRate: 10, board: "esp32cam",
};

describe("readSettings", () => {
	it("accepts a good manifest config", () => {
		// "": no key, the camera does not authenticate; no setupPassword: it never opens a setup access point
		expect(readSettings(GOOD)).toEqual({ ...GOOD, key: undefined, tls: undefined, builtAt: 0, frames: "tcp", setupPassword: "", setupAfter: 300_000,
			receivers: [{ server: "receiver.local", port: 8700 }],
		});
	});

	it("takes tlsCa, the receiver's CA as base64 DER, as its bytes", () => {
		const der = Uint8Array.from([0x30, 0x82, 0x01, 0x0a, ...Array.from({ length: 61 }, (_, i) => i * 7)]);
		const { tls } = readSettings({ ...GOOD, tlsCa: Buffer.from(der).toString("base64") });
		expect(new Uint8Array(tls!.ca)).toEqual(der);
		expect(readSettings({ ...GOOD, tlsCa: "" }).tls).toBeUndefined();
	});

	it("takes builtAt in seconds, as the flash script passes it", () => {
		expect(readSettings({ ...GOOD, builtAt: "1796083200" }).builtAt).toBe(1796083200);
	});

	it("takes a key of 64 hex digits as its 32 bytes", () => {
		const hex = "000102030405060708090a0b0c0d0e0f101112131415161718191A1B1C1D1E1F";
		expect(readSettings({ ...GOOD, key: hex }).key).toEqual(Uint8Array.from({ length: 32 }, (_, i) => i));
	});

	it("sends frames as datagrams only with a key", () => {
		expect(readSettings({ ...GOOD, key: "ab".repeat(32), frames: "udp" }).frames).toBe("udp");
		expect(readSettings({ ...GOOD, frames: "tcp" }).frames).toBe("tcp");
	});

	it("accepts numbers given as strings on the mcconfig command line", () => {
		expect(readSettings({ ...GOOD, port: "8700", frameRate: "2.5" })).toMatchObject({ port: 8700, frameRate: 2.5 });
	});

	it("accepts an open network, an IPv4 server, a lower-case frame size, and no key or board", () => {
		const { key: _key, board: _board, ...rest } = GOOD;
		expect(readSettings({ ...rest, password: "", server: "192.168.1.10", frameSize: "qvga" }))
			.toMatchObject({ password: "", server: "192.168.1.10", frameSize: "QVGA", key: undefined, board: "unknown" });
	});

	it.each([
		["ssid", undefined, "config: ssid must be the Wi-Fi network name, 1 to 32 bytes"],
		["ssid", "", "config: ssid must be the Wi-Fi network name, 1 to 32 bytes, got \"\""],
		["ssid", "x".repeat(33), "config: ssid must be the Wi-Fi network name, 1 to 32 bytes"],
		["ssid", "é".repeat(17), "config: ssid must be"], // 34 bytes in UTF-8
		["password", "short", "config: password must be \"\" for an open network, 8 to 63 printable ASCII characters, or 64 hex digits"],
		["password", "x".repeat(64), "config: password must be"],
		["password", 12345678, "config: password must be"],
		["server", undefined, "config: server must be the receiver's host name or IPv4 address"],
		["server", "http://receiver", "config: server must be the receiver's host name or IPv4 address, or a list of up to 4 of them, each with :port where it is not `port` (a:8700,b:8701), got \"http://receiver\""],
		["server", "192.168.1.300", "config: server must be"],
		["server", "-bad.example", "config: server must be"],
		["port", undefined, "config: port must be an integer 1..65535"],
		["port", "80x", "config: port must be an integer 1..65535, got \"80x\""],
		["port", 0, "config: port must be an integer 1..65535, got 0"],
		["port", "65536", "config: port must be an integer 1..65535"],
		["port", 8700.5, "config: port must be an integer 1..65535"],
		["id", "", "config: id must be 1 to 32 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit"],
		["id", "cam/1", "config: id must be 1 to 32 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit, got \"cam/1\""],
		["id", "..", "config: id must be"],
		["id", "c".repeat(33), "config: id must be"],
		["key", "too short", "config: key must be \"\" or the 64 hex digits `xscam-server keys add cam-1` printed"],
		["key", "0".repeat(63) + "g", "config: key must be \"\" or the 64 hex digits `xscam-server keys add cam-1` printed"],
		// the camera driver's sizes: which of them this camera's sensor offers is checked once the camera says what it is (end-to-end.test.ts)
		["frameSize", "4K", "config: frameSize must be one of 96X96, QQVGA, 128X128, QCIF, HQVGA, 240X240, QVGA, 320X320, CIF, HVGA, VGA, SVGA, XGA, HD, SXGA, UXGA, FHD, QXGA, QHD, WQXGA, got \"4K\""],
		["frameRate", "0", "config: frameRate must be a number of frames per second, 0.1 to 60, got \"0\""],
		["frameRate", 61, "config: frameRate must be a number of frames per second, 0.1 to 60"],
		["frameRate", "fast", "config: frameRate must be"],
		["board", "", "config: board must be a board name"],
		["tlsCa", "-----BEGIN CERTIFICATE-----", "config: tlsCa must be \"\" for TCP in clear text, or the receiver's CA certificate as base64 DER (docs/security.md)"],
		["tlsCa", "QUJD", "config: tlsCa must be \"\" for TCP in clear text, or the receiver's CA certificate as base64 DER (docs/security.md); this is not DER"],
		["builtAt", "yesterday", "config: builtAt must be seconds since the epoch, or 0"],
		["setupPassword", "short", "config: setupPassword must be \"\" (no setup access point) or its WPA2 password, 8 to 63 printable ASCII characters"],
		["setupPassword", "x".repeat(64), "config: setupPassword must be"],
		["setupAfter", "29", "config: setupAfter must be seconds without Wi-Fi before a camera that never joined opens its setup access point, 30 to 86400, got \"29\""],
		["setupAfter", 86_401, "config: setupAfter must be"],
		["frames", "rtp", "config: frames must be \"tcp\" (frames on the connection) or \"udp\" (frames as datagrams, signed under a key from the authentication), got \"rtp\""],
		["frames", "udp", "config: frames must be \"tcp\" for a camera without a key: datagrams are signed under one from the authentication, got \"udp\""],
	])("refuses %s = %j with one line naming the key", (key, value, message) => {
		const error = (() => {
			try {
				readSettings({ ...GOOD, [key]: value });
			}
			catch (caught) {
				return caught as Error;
			}
		})();
		expect(error).toBeInstanceOf(RangeError);
		expect(error!.message.startsWith(message)).toBe(true);
		expect(error!.message).not.toContain("\n");
	});

	it("never echoes the password or the key", () => {
		for (const key of ["password", "key", "setupPassword"]) {
			expect(() => readSettings({ ...GOOD, [key]: "hunter2" })).toThrow(expect.objectContaining({
				message: expect.not.stringContaining("hunter2"),
			}));
		}
	});
});

describe("setup settings", () => {
	it("a camera without a network or a receiver is unconfigured: it needs its setup page", () => {
		expect(isUnconfigured(GOOD)).toBe(false);
		expect(isUnconfigured({ ...GOOD, ssid: "" })).toBe(true);
		expect(isUnconfigured({ ...GOOD, server: "" })).toBe(true);
		expect(isUnconfigured({ id: "cam-1" })).toBe(true);
	});

	it("takes setupAfter in seconds and gives it in ms", () => {
		expect(readSettings({ ...GOOD, setupPassword: "setup-passphrase", setupAfter: "60" })).toMatchObject({ setupPassword: "setup-passphrase", setupAfter: 60_000 });
	});

	it("the setup access point needs its password, and names the key without it", () => {
		expect(readSetupSettings({ id: "cam-1", setupPassword: "setup-passphrase" })).toEqual({ id: "cam-1", setupPassword: "setup-passphrase" });
		expect(() => readSetupSettings({ id: "cam-1" })).toThrow("config: setupPassword must be 8 to 63 printable ASCII characters while ssid or server is empty");
		expect(() => readSetupSettings({ id: "cam/1", setupPassword: "setup-passphrase" })).toThrow("config: id must be");
	});
});
