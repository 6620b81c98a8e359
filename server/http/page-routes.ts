// The web page: plain HTML, CSS and JS from ./public, read once at start, no build step, no CDN. The
// login page and the style sheet are open to anyone; the live view needs the right to view (access.ts).

import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const ASSETS: { [path: string]: [file: string, type: string, open: boolean] } = {
	"/": ["index.html", "text/html; charset=utf-8", false],
	"/app.js": ["app.js", "text/javascript; charset=utf-8", false],
	"/style.css": ["style.css", "text/css; charset=utf-8", true],
	"/login": ["login.html", "text/html; charset=utf-8", true],
};

export async function pageRoutes(app: FastifyInstance): Promise<void> {
	for (const [path, [file, type, open]] of Object.entries(ASSETS)) {
		const body = readFileSync(new URL("./public/" + file, import.meta.url));
		app.get(path, { config: { right: open ? "none" : "view" } }, (_request, reply) =>
			reply.type(type).header("cache-control", "no-cache").header("x-frame-options", "DENY").send(body));
	}
}
