// The firmware version a device sends in its hello is the package's version.

import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { FIRMWARE_VERSION } from "../../src/app/version";

it("matches package.json", () => {
	const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
	expect(FIRMWARE_VERSION).toBe(version);
});
