// Node module-resolution hooks: the Moddable specifiers the firmware imports resolve to the host
// modules (hosttest/host/modules.ts), as vitest's aliases do in the tests. Registered by register.ts.

import { HOST_MODULES } from "./modules.ts";

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string }>;

export async function resolve(specifier: string, context: unknown, nextResolve: Resolve): Promise<{ url: string }> {
	const file = HOST_MODULES[specifier];
	// passed on down the chain, so the TypeScript loader (tsx) sees the file it must compile
	return nextResolve(file ? new URL(file, import.meta.url).href : specifier, context);
}
