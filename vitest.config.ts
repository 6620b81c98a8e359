import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { HOST_MODULES } from "./hosttest/host/modules.ts";

const host = (file: string) => fileURLToPath(new URL("./hosttest/host/" + file, import.meta.url));
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export default defineConfig({
	resolve: {
		// The firmware imports Moddable specifiers; here the host modules answer to them, exactly.
		alias: Object.entries(HOST_MODULES).map(([specifier, file]) => ({ find: new RegExp("^" + escape(specifier) + "$"), replacement: host(file) })),
	},
	test: {
		include: ["hosttest/**/*.test.ts"],
		setupFiles: [host("globals.ts")],
	},
});
