// `npm run firmware:host -- --version 0.2.1`: a firmware image for the cameras `npm start` simulates.
// It is src/ bundled by esbuild into one ES module, its Moddable imports left for the host to supply (as
// a device build leaves them to the SDK), saying it is the given version; add it to the receiver
// (`xscam-server firmware add`) and update a simulated camera to it from the web page, as a real camera
// is updated to an ESP32 build's .bin.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { bundleFirmwareMain } from "../hosttest/xs/bundle";

/** The image of a host build that says it is `version`. */
export async function buildHostFirmware(version: string): Promise<Uint8Array> {
	return new TextEncoder().encode(await bundleFirmwareMain(undefined, version));
}

async function main(): Promise<void> {
	const { values } = parseArgs({ options: { version: { type: "string" }, out: { type: "string" } } });
	if (!values.version) {
		process.stderr.write("firmware:host: give --version <version>, e.g. npm run firmware:host -- --version 0.2.1\n");
		process.exit(2);
	}
	const out = values.out ?? "build/firmware/xscam-host-" + values.version + ".js";
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, await buildHostFirmware(values.version));
	process.stdout.write("wrote " + out + "; then: npx xscam-server firmware add " + out + " --version " + values.version + " --board simulated\n");
}

if (import.meta.url === "file://" + process.argv[1]) await main();
