// Logged-in browsers: a session id in an HttpOnly cookie, the principal it stands for in memory (a
// restart logs everyone out, and nothing of a session is on disk). And one-time login links: a code that
// opens one session, once, within ten minutes (`npm start` prints one). Bounded: the oldest session goes
// when there are too many, so logging in in a loop cannot fill the memory.

import { randomBytes } from "node:crypto";
import type { Clock } from "../clock";
import type { Principal } from "./viewer-access";

/** How long a session lasts, and its cookie. */
export const SESSION_MS = 7 * 24 * 3600_000;
const CODE_MS = 10 * 60_000;
const MAX_SESSIONS = 10_000;

interface Held {
	principal: Principal;
	expires: number;
}

export class Sessions {
	readonly #clock: Clock;
	readonly #sessions = new Map<string, Held>(); // in order of creation: the first is the oldest
	readonly #codes = new Map<string, Held>();

	constructor(clock: Clock) {
		this.#clock = clock;
	}

	/** A new session's id, for the cookie. */
	open(principal: Principal): string {
		const id = randomBytes(32).toString("base64url");
		if (this.#sessions.size >= MAX_SESSIONS) this.#sessions.delete(this.#sessions.keys().next().value!);
		this.#sessions.set(id, { principal, expires: this.#clock.now() + SESSION_MS });
		return id;
	}

	/** Who the session `id` is, or undefined for one unknown, ended or expired. */
	principal(id: string): Principal | undefined {
		return this.#take(this.#sessions, id, false);
	}

	close(id: string): void {
		this.#sessions.delete(id);
	}

	/** A code that opens one session for `principal`, once, within ten minutes. */
	grant(principal: Principal): string {
		const code = randomBytes(24).toString("base64url");
		this.#codes.set(code, { principal, expires: this.#clock.now() + CODE_MS });
		return code;
	}

	/** The code's principal, which it gives only this once. */
	redeem(code: string): Principal | undefined {
		return this.#take(this.#codes, code, true);
	}

	#take(map: Map<string, Held>, key: string, once: boolean): Principal | undefined {
		const held = map.get(key);
		if (held === undefined) return undefined;
		if (once || held.expires <= this.#clock.now()) map.delete(key);
		return held.expires > this.#clock.now() ? held.principal : undefined;
	}
}
