// The XS-engine tier (the "xs" project of the root vitest.config.ts): the firmware runs in the real XS
// engine, xsnap-worker, which globalSetup builds on the first run (scripts/build-xs.mjs; a no-op once
// built). Each test file gets its own process and starts its own engines (about 150 ms each).

import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

export default defineProject({
	test: {
		name: "xs",
		root: fileURLToPath(new URL("../..", import.meta.url)),
		include: ["hosttest/xs/**/*.test.ts"],
		pool: "forks",
		globalSetup: [fileURLToPath(new URL("./global-setup.ts", import.meta.url))],
		testTimeout: 60_000,
	},
});
