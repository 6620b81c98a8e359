// The web page: plain HTML, CSS and JS from ./public, read once at start, no build step, no CDN.

import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const ASSETS: { [path: string]: [file: string, type: string] } = {
	"/": ["index.html", "text/html; charset=utf-8"],
	"/app.js": ["app.js", "text/javascript; charset=utf-8"],
	"/style.css": ["style.css", "text/css; charset=utf-8"],
};

export async function pageRoutes(app: FastifyInstance): Promise<void> {
	for (const [path, [file, type]] of Object.entries(ASSETS)) {
		const body = readFileSync(new URL("./public/" + file, import.meta.url));
		app.get(path, (_request, reply) => reply.type(type).header("cache-control", "no-cache").send(body));
	}
}
