// Who may use the HTTP side (docs/security.md), checked on every request before its route runs:
// 1. the Host must name this receiver: an IP address, localhost, or a --public-url host, so a page
//    elsewhere cannot reach it through a DNS name it controls (DNS rebinding);
// 2. the request must come from someone: a session cookie (the login page, or a one-time link), a token
//    (Authorization: Bearer, basic auth's password, or ?token=), or a user's basic auth;
// 3. who it is must hold the route's right: "view" by default, "control" for changing settings;
// 4. a request that changes something must come from this receiver's own pages, not another site's.
// The login page and its form are the only routes open to anyone; logging in is rate-limited per address.

import { isIP } from "node:net";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Sessions } from "../auth/sessions";
import type { Principal, Right, ViewerAccess } from "../auth/viewer-access";
import type { Core } from "../core";
import { xscamError } from "../errors";

declare module "fastify" {
	interface FastifyRequest {
		principal: Principal | undefined;
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

/** The principal of a request's credentials, if any hold. */
function principalOf(request: FastifyRequest, access: ViewerAccess, sessions: Sessions): Principal | undefined {
	const session = request.cookies[SESSION_COOKIE];
	if (session !== undefined) {
		const opened = sessions.principal(session);
		const principal = opened?.user === undefined ? opened : access.user(opened.user); // a removed user's sessions end
		if (principal) return principal;
		if (opened) sessions.close(session);
	}
	const header = request.headers.authorization;
	if (header?.startsWith("Bearer ")) return access.byToken(header.slice(7).trim());
	if (header?.startsWith("Basic ")) {
		const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
		const colon = decoded.indexOf(":");
		const [name, password] = colon < 0 ? [decoded, ""] : [decoded.slice(0, colon), decoded.slice(colon + 1)];
		return access.byToken(password) ?? access.logIn(name, password); // a token as the password, any user name
	}
	const token = (request.query as { token?: unknown }).token;
	return typeof token === "string" ? access.byToken(token) : undefined;
}

/** Relative paths of this receiver only: never an open redirect. */
function safeNext(next: unknown): string {
	return typeof next === "string" && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

function refuse(request: FastifyRequest, reply: FastifyReply): FastifyReply {
	if (request.method === "GET" && (request.headers.accept ?? "").includes("text/html"))
		return reply.redirect("/login?next=" + encodeURIComponent(request.url), 303);
	reply.header("www-authenticate", "Basic realm=\"xscam\", charset=\"UTF-8\"");
	throw xscamError("XSCAM_ERR_UNAUTHORIZED");
}

export function accessControl(core: Core, access: ViewerAccess, sessions: Sessions, secure: boolean) {
	const { options, log } = core;
	const cookie = { path: "/", httpOnly: true, sameSite: "strict" as const, secure, maxAge: 7 * 24 * 3600 };

	const plugin = async (app: FastifyInstance) => {
		app.decorateRequest("principal", undefined);
		app.addHook("onRequest", async (request, reply) => {
			if (!hostAllowed(request.headers.host, options.publicUrls)) throw xscamError("XSCAM_ERR_HOST", JSON.stringify(request.headers.host ?? ""));
			// A one-time link: the code becomes a session, and the page loads without it in its address.
			const code = request.method === "GET" ? (request.query as { login?: unknown }).login : undefined;
			if (typeof code === "string") {
				const redeemed = sessions.redeem(code);
				if (redeemed === undefined) return reply.redirect("/login?expired=1", 303);
				log.info({ who: redeemed.name, remote: request.ip }, "logged in with a one-time link");
				return reply.setCookie(SESSION_COOKIE, sessions.open(redeemed), cookie).redirect("/", 303);
			}
			const right = request.routeOptions.config.right ?? "view";
			if (right === "none") return;
			const principal = options.insecureViewers ? ANYONE : principalOf(request, access, sessions);
			if (principal === undefined) return refuse(request, reply);
			if (!principal.rights.includes(right)) throw xscamError("XSCAM_ERR_FORBIDDEN", principal.name, right);
			const origin = request.headers.origin;
			const own = (secure ? "https://" : "http://") + request.headers.host;
			if (!SAFE_METHODS.has(request.method) && origin !== undefined && origin !== own && !options.publicUrls.includes(origin))
				throw xscamError("XSCAM_ERR_CROSS_SITE", origin);
			request.principal = principal;
		});

		app.post<{ Body: { name?: string; password?: string; next?: string } }>("/login",
			{ config: { right: "none", rateLimit: LOGIN_RATE } }, async (request, reply) => {
				const { name = "", password = "", next } = request.body ?? {};
				const principal = access.logIn(name, password);
				if (principal === undefined) {
					log.warn({ user: name, remote: request.ip }, "a failed login for " + JSON.stringify(name));
					return reply.redirect("/login?failed=1&next=" + encodeURIComponent(safeNext(next)), 303);
				}
				log.info({ user: name, remote: request.ip }, principal.name + " logged in");
				return reply.setCookie(SESSION_COOKIE, sessions.open(principal), cookie).redirect(safeNext(next), 303);
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
