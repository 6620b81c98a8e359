// Who may watch and who may change settings (docs/security.md): users, who log in with a password and
// get a session cookie, and tokens, for the clients that cannot log in (VLC, ffmpeg, motion, Home
// Assistant, go2rtc), each with its rights and each revocable. Passwords are kept as scrypt hashes,
// tokens as SHA-256 hashes (a token is 32 random bytes: nothing to guess, so no slow hash is needed);
// a password or token is shown once, when it is made, and never stored, printed or logged.

import { createHash, randomBytes, scrypt, scryptSync, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";
import { isObject } from "../../src/protocol/fields";
import { xscamError } from "../errors";
import { SecretFile } from "./secret-file";

export type Right = "view" | "control";

/** Who a request comes from. */
export interface Principal {
	/** "user <name>" or "token <label>", for log lines. */
	readonly name: string;
	readonly rights: readonly Right[];
	/**
	 * The user a session was opened for, and the salt of the password it was opened with: checked again
	 * at each request, so removing the user, or giving them a new password, ends it.
	 */
	readonly user?: { readonly name: string; readonly salt: string };
}

interface User {
	/** "scrypt$N$r$p$salt$hash", hex; checked when the file is read. */
	password: string;
	rights: Right[];
	added: string;
}

interface Token {
	sha256: string;
	rights: Right[];
	added: string;
}

const SCRYPT = { N: 16384, r: 8, p: 1 };
/**
 * What a stored hash may ask of scrypt: a file edited by hand must not make one login take seconds and
 * 128 * N * r bytes (64 MiB at most here, 16 MiB for ours), nor match any password (an empty hash).
 */
const SCRYPT_LIMITS = { N: [1024, 1 << 16], r: [1, 8], p: [1, 4], saltBytes: [8, 64], hashBytes: [16, 64] } as const;
const HASH_PATTERN = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$((?:[0-9a-f]{2})+)\$((?:[0-9a-f]{2})+)$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number, options: object) => Promise<Buffer>;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const NAME_RULE = "1 to 64 characters of A-Z a-z 0-9 _ . @ -, starting with a letter or digit";

function hashPassword(password: string): string {
	const salt = randomBytes(16);
	const hash = scryptSync(password, salt, 32, SCRYPT);
	return ["scrypt", SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString("hex"), hash.toString("hex")].join("$");
}

interface StoredHash {
	N: number;
	r: number;
	p: number;
	salt: string;
	hash: Buffer;
}

/** A stored password hash, or undefined when it is not one this receiver would make or accept. */
function parseHash(stored: string): StoredHash | undefined {
	const match = HASH_PATTERN.exec(stored);
	if (!match) return undefined;
	const [N, r, p] = [match[1], match[2], match[3]].map(Number);
	const within = (value: number, [low, high]: readonly [number, number]) => value >= low && value <= high;
	const hash = Buffer.from(match[5], "hex");
	const fits = within(N, SCRYPT_LIMITS.N) && (N & (N - 1)) === 0 && within(r, SCRYPT_LIMITS.r) && within(p, SCRYPT_LIMITS.p) &&
		within(match[4].length / 2, SCRYPT_LIMITS.saltBytes) && within(hash.byteLength, SCRYPT_LIMITS.hashBytes);
	return fits ? { N, r, p, salt: match[4], hash } : undefined;
}

/** Off the event loop: a login's 50 ms or more of scrypt must not stall the cameras and the streams. */
async function passwordMatches(password: string, stored: StoredHash): Promise<boolean> {
	const got = await scryptAsync(password, Buffer.from(stored.salt, "hex"), stored.hash.byteLength, { N: stored.N, r: stored.r, p: stored.p, maxmem: 256 * stored.N * stored.r });
	return timingSafeEqual(got, stored.hash);
}

function tokenHash(token: string): string {
	return createHash("sha256").update(token).digest("hex");
}

/**
 * The token an Authorization header carries in one of `schemes` (case-insensitive, RFC 9110 11.1):
 * "Bearer <token>", or Basic credentials with the token as the password and any user name.
 */
export function tokenOf(authorization: string | undefined, schemes: readonly ("bearer" | "basic")[]): string | undefined {
	const [scheme = "", credentials = ""] = (authorization ?? "").trim().split(/\s+/, 2);
	switch (schemes.find((accepted) => accepted === scheme.toLowerCase())) {
		case "bearer":
			return credentials;
		case "basic": {
			const decoded = Buffer.from(credentials, "base64").toString("utf8");
			return decoded.slice(decoded.indexOf(":") + 1);
		}
	}
	return undefined;
}

function rightsOf(value: unknown): Right[] {
	return Array.isArray(value) ? value.filter((right): right is Right => right === "view" || right === "control") : [];
}

interface Viewers {
	users: Map<string, User>;
	tokens: Map<string, Token>;
}

export class ViewerAccess {
	readonly #file: SecretFile<Viewers>;

	/** The users and tokens of `path` (none when it does not exist), followed while the receiver runs; in memory only when `path` is undefined. */
	constructor(path: string | undefined, warn: (line: string) => void = () => {}) {
		this.#file = new SecretFile(path, (file) => parseViewers(file, path!), warn);
	}

	/** Whether anyone at all can get in (a receiver with neither warns at start). */
	get empty(): boolean {
		const { users, tokens } = this.#file.contents;
		return users.size === 0 && tokens.size === 0;
	}

	addUser(name: string, password: string, rights: Right[], now = new Date()): void {
		checkName("user name", name);
		if (password.length < 8) throw xscamError("XSCAM_ERR_OPTION", "password", "must be at least 8 characters");
		this.#file.contents.users.set(name, { password: hashPassword(password), rights, added: now.toISOString() });
		this.#save();
	}

	/** Makes a new token named `label` (replacing any of that name) and returns it: the one time it is shown. */
	addToken(label: string, rights: Right[], now = new Date()): string {
		checkName("token label", label);
		const token = randomBytes(32).toString("base64url");
		this.#file.contents.tokens.set(label, { sha256: tokenHash(token), rights, added: now.toISOString() });
		this.#save();
		return token;
	}

	removeUser(name: string): boolean {
		const had = this.#file.contents.users.delete(name);
		if (had) this.#save();
		return had;
	}

	removeToken(label: string): boolean {
		const had = this.#file.contents.tokens.delete(label);
		if (had) this.#save();
		return had;
	}

	list(): { users: { name: string; rights: Right[]; added: string }[]; tokens: { label: string; rights: Right[]; added: string }[] } {
		const { users, tokens } = this.#file.contents;
		return {
			users: [...users].map(([name, { rights, added }]) => ({ name, rights, added })),
			tokens: [...tokens].map(([label, { rights, added }]) => ({ label, rights, added })),
		};
	}

	/** The user, when `password` is theirs; undefined otherwise (the same slow hash either way). */
	async logIn(name: string, password: string): Promise<Principal | undefined> {
		const user = this.#file.contents.users.get(name);
		const stored = parseHash(user?.password ?? dummyHash())!;
		const matches = await passwordMatches(password, stored);
		return user && matches ? userPrincipal(name, user) : undefined;
	}

	/**
	 * A session's principal as the file says now: its user's current rights, or undefined once the user
	 * is removed or has a new password. Any other principal (a one-time link's) stands as it is.
	 */
	current(principal: Principal): Principal | undefined {
		if (principal.user === undefined) return principal;
		const user = this.#file.contents.users.get(principal.user.name);
		const now = user && userPrincipal(principal.user.name, user);
		return now?.user!.salt === principal.user.salt ? now : undefined;
	}

	/** The token's principal, or undefined for a token that is not (or no longer) one of ours. */
	byToken(token: string): Principal | undefined {
		const hash = Buffer.from(tokenHash(token), "hex");
		for (const [label, entry] of this.#file.contents.tokens) {
			if (timingSafeEqual(hash, Buffer.from(entry.sha256, "hex"))) return { name: "token " + label, rights: entry.rights };
		}
		return undefined;
	}

	#save(): void {
		const { users, tokens } = this.#file.contents;
		this.#file.save({ users: Object.fromEntries(users), tokens: Object.fromEntries(tokens) });
	}
}

function parseViewers(file: unknown, path: string): Viewers {
	const viewers: Viewers = { users: new Map(), tokens: new Map() };
	if (file === undefined) return viewers;
	if (!isObject(file) || !isObject(file.users ?? {}) || !isObject(file.tokens ?? {}))
		throw xscamError("XSCAM_ERR_SECRET_FILE", path, "needs \"users\" and \"tokens\" objects");
	for (const [name, user] of Object.entries((file.users ?? {}) as object)) {
		if (!isObject(user) || typeof user.password !== "string" || !parseHash(user.password))
			throw xscamError("XSCAM_ERR_SECRET_FILE", path, "user " + JSON.stringify(name) + " has no password hash that xscam-server users add makes");
		viewers.users.set(name, { password: user.password, rights: rightsOf(user.rights), added: String(user.added ?? "") });
	}
	for (const [label, token] of Object.entries((file.tokens ?? {}) as object)) {
		if (!isObject(token) || typeof token.sha256 !== "string" || !SHA256_PATTERN.test(token.sha256))
			throw xscamError("XSCAM_ERR_SECRET_FILE", path, "token " + JSON.stringify(label) + " has no hash of 64 hex digits");
		viewers.tokens.set(label, { sha256: token.sha256, rights: rightsOf(token.rights), added: String(token.added ?? "") });
	}
	return viewers;
}

function userPrincipal(name: string, user: User): Principal {
	return { name: "user " + name, rights: user.rights, user: { name, salt: parseHash(user.password)!.salt } };
}

let dummy: string | undefined;

/** A hash no password matches, so that an unknown user costs the same scrypt as a known one. */
function dummyHash(): string {
	return dummy ??= hashPassword(randomBytes(16).toString("hex"));
}

function checkName(what: string, name: string): void {
	if (!NAME_PATTERN.test(name)) throw xscamError("XSCAM_ERR_OPTION", what + " " + JSON.stringify(name), "must be " + NAME_RULE);
}
