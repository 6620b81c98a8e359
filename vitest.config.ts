import { configDefaults, defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";
import { HOST_MODULES } from "./hosttest/host/modules.ts";

const host = (file: string) => fileURLToPath(new URL("./hosttest/host/" + file, import.meta.url));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export default defineConfig({
	test: {
		projects: [
			{
				resolve: {
					// The firmware imports Moddable specifiers; on Node the host modules answer to them, exactly.
					alias: Object.entries(HOST_MODULES).map(([specifier, file]) => ({ find: new RegExp("^" + escape(specifier) + "$"), replacement: host(file) })),
				},
				test: {
					name: "node",
					include: ["hosttest/**/*.test.ts"],
					exclude: [...configDefaults.exclude, "hosttest/xs/**", "hosttest/e2e/**", "hosttest/**/*.e2e.test.ts"],
					setupFiles: [host("globals.ts")],
					// Real sockets, files and processes in real time: 5 s is too little on a loaded 2-core machine.
					testTimeout: 15_000,
				},
			},
			// The XS-engine tier has its own configuration (it builds the engine before its tests run).
			"hosttest/*/vitest.config.ts",
		],
	},
});
