import { defineConfig } from "vitest/config";

// `npm run test:e2e`: real clients nobody here wrote (ffmpeg, headless Chromium) against a real receiver.
// Needs the system packages ffmpeg and chromium (Debian), and nats-server for the fleet's (hosttest/cluster/). One file at a time: the browser is heavy.
export default defineConfig({
	test: {
		include: ["hosttest/e2e/**/*.e2e.test.ts", "hosttest/cluster/**/*.e2e.test.ts"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		fileParallelism: false,
	},
});
