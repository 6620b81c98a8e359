// Who may use the HTTP side (docs/security.md), checked on every request before its route runs:
// 1. the Host must name this receiver: an IP address, localhost, or a --public-url host, so a page
//    elsewhere cannot reach it through a DNS name it controls (DNS rebinding);
// 2. the request must come from someone: a session cookie (the login page, or a one-time link) or a
//    token (Authorization: Bearer, basic auth's password, or ?token=); a user's password is taken only
//    by the login form, which is rate-limited, never in basic auth, where nothing would limit guessing;
// 3. who it is must hold the route's right: "view" by default, "control" for changing settings;
// 4. a request that changes something must come from this receiver's own pages, not another site's.
// The login page, its form and its style sheet are the only routes open to anyone. A stream, which is one
// request that never ends, is checked again every few seconds (stillHolds), so a revoked token, a removed
// user or a logout ends it too.

import { isIP } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { SESSION_MS, type Sessions } from "../auth/sessions";
import { tokenOf, type Principal, type Right, type ViewerAccess } from "../auth/viewer-access";
import type { Core } from "../core";
import { xscamError } from "../errors";

declare module "fastify" {
	interface FastifyRequest {
		principal: Principal | undefined;
		/** Whether this request's credentials, read again now, still hold `right` (for a request that lasts). */
		stillHolds(right: Right): boolean;
	}
	interface FastifyContextConfig {
		/** The right a route needs; "view" unless said; "none" for the login page. */
		right?: Right | "none";
	}
}

export const SESSION_COOKIE = "xscam_session";
const ANYONE: Principal = { name: "anyone (--insecure-viewers)", rights: ["view", "control"] };
const LOGIN_RATE = { max: 10, timeWindow: 60_000 };
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The hosts a request may name: IP literals, localhost, and the --public-url hosts. */
function hostAllowed(host: string | undefined, publicUrls: string[]): boolean {
	if (host === undefined) return false;
	const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d+$/, "");
	if (isIP(name) || name === "localhost") return true;
	return publicUrls.some((url) => new URL(url).hostname === name);
}

/** The principal of a request's credentials, if any hold. Cheap: a map look-up and SHA-256, never scrypt. */
function principalOf(request: FastifyRequest, access: ViewerAccess, sessions: Sessions): Principal | undefined {
	const session = request.cookies[SESSION_COOKIE];
	if (session !== undefined) {
		const opened = sessions.principal(session);
		const principal = opened && access.current(opened); // a removed user's sessions end, and those of an old password
		if (principal) return principal;
		if (opened) sessions.close(session);
	}
	const given = tokenOf(request.headers.authorization, ["bearer", "basic"]);
	if (given !== undefined) return access.byToken(given);
	const token = (request.query as { token?: unknown }).token;
	return typeof token === "string" ? access.byToken(token) : undefined;
}

const SELF = "http://receiver.invalid";

/** A path of this receiver only, as a browser would read it (a backslash or a tab in it too): never an open redirect. */
function safeNext(next: unknown): string {
	if (typeof next !== "string" || !next.startsWith("/")) return "/";
	const url = new URL(next, SELF);
	return url.origin === SELF ? url.pathname + url.search : "/";
}

function text(value: unknown): string {
	return typeof value === "string" ? value : "";
}

function refuse(request: FastifyRequest, reply: FastifyReply): FastifyReply {
	if (request.method === "GET" && (request.headers.accept ?? "").includes("text/html"))
		return reply.redirect("/login?next=" + encodeURIComponent(request.url), 303);
	reply.header("www-authenticate", "Basic realm=\"xscam\", charset=\"UTF-8\"");
	throw xscamError("XSCAM_ERR_UNAUTHORIZED");
}

export function accessControl(core: Core, access: ViewerAccess, sessions: Sessions) {
	const { options, log } = core;
	// Secure when the browser reached us over HTTPS: our own TLS, or a --trust-proxy that says so.
	const cookie = (request: FastifyRequest) =>
		({ path: "/", httpOnly: true, sameSite: "strict" as const, secure: request.protocol === "https", maxAge: SESSION_MS / 1000 });

	const plugin = async (app: FastifyInstance) => {
		app.decorateRequest("principal", undefined);
		app.decorateRequest("stillHolds", function (this: FastifyRequest, right: Right) {
			return options.insecureViewers || (principalOf(this, access, sessions)?.rights.includes(right) ?? false);
		});
		app.addHook("onRequest", async (request, reply) => {
			if (!hostAllowed(request.headers.host, options.publicUrls)) throw xscamError("XSCAM_ERR_HOST", JSON.stringify(request.headers.host ?? ""));
			// A one-time link: the code becomes a session, and the page loads without it in its address.
			const code = request.method === "GET" ? (request.query as { login?: unknown }).login : undefined;
			if (typeof code === "string") {
				const redeemed = sessions.redeem(code);
				if (redeemed === undefined) return reply.redirect("/login?expired=1", 303);
				log.info({ who: redeemed.name, remote: request.ip }, "logged in with a one-time link");
				return reply.setCookie(SESSION_COOKIE, sessions.open(redeemed), cookie(request)).redirect("/", 303);
			}
			// Before the login form too: another site must not log a visitor in as someone else.
			const origin = request.headers.origin;
			const own = request.protocol + "://" + request.headers.host;
			if (!SAFE_METHODS.has(request.method) && origin !== undefined && origin !== own && !options.publicUrls.includes(origin))
				throw xscamError("XSCAM_ERR_CROSS_SITE", origin);
			const right = request.routeOptions.config.right ?? "view";
			if (right === "none") return;
			const principal = options.insecureViewers ? ANYONE : principalOf(request, access, sessions);
			if (principal === undefined) return refuse(request, reply);
			if (!principal.rights.includes(right)) throw xscamError("XSCAM_ERR_FORBIDDEN", principal.name, right);
			request.principal = principal;
		});

		app.post<{ Body: { name?: unknown; password?: unknown; next?: unknown } | undefined }>("/login",
			{ config: { right: "none", rateLimit: LOGIN_RATE } }, async (request, reply) => {
				const name = text(request.body?.name);
				const { next } = request.body ?? {};
				const principal = await access.logIn(name, text(request.body?.password));
				if (principal === undefined) {
					log.warn({ user: name, remote: request.ip }, "a failed login for " + JSON.stringify(name));
					return reply.redirect("/login?failed=1&next=" + encodeURIComponent(safeNext(next)), 303);
				}
				log.info({ user: name, remote: request.ip }, principal.name + " logged in");
				return reply.setCookie(SESSION_COOKIE, sessions.open(principal), cookie(request)).redirect(safeNext(next), 303);
			});

		app.post("/logout", async (request, reply) => {
			const session = request.cookies[SESSION_COOKIE];
			if (session !== undefined) sessions.close(session);
			return reply.clearCookie(SESSION_COOKIE, { path: "/" }).redirect("/login", 303);
		});
	};
	// Not a scope of its own: the hook guards every route of the receiver (fastify's documented opt-out).
	return Object.assign(plugin, { [Symbol.for("skip-override")]: true });
}
