// What passes on Node and fails on the device fails here, with a message that says what: deliberately
// bad firmware entries (fixtures/) that import a Node module, call an ES2023 method XS lacks, or use a
// Node global.

import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { bootRig, RECEIVER } from "./camera-rig";
import { DecoderReceiver } from "./decoder-receiver";

const fixture = (name: string) => fileURLToPath(new URL("./fixtures/" + name, import.meta.url));
const network = new DecoderReceiver(RECEIVER);

it("refuses to bundle firmware that imports a Node module, naming it", async () => {
	await expect(bootRig({ network, entry: fixture("node-import.ts") })).rejects.toThrow("firmware imports a Node module: node:fs");
});

it("fails with XS's TypeError on an ES2023 method XS lacks (toSorted)", async () => {
	await expect(bootRig({ network, entry: fixture("es2023-method.ts") }))
		.rejects.toThrow(/^XS: TypeError: mainWithSortedSizes: no function\n.*toSorted/);
});

it("fails with XS's ReferenceError on a Node global (setTimeout)", async () => {
	await expect(bootRig({ network, entry: fixture("node-timer.ts") })).rejects.toThrow(/^XS: ReferenceError: .*setTimeout/);
});
