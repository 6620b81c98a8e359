// A driver for xsnap-worker (@agoric/xsnap's C host of the XS engine), without the package's JS API
// (which would lock down the test process with SES). The protocol, from xsnap-worker.c: netstrings
// `<length>:<bytes>,`, host -> engine on fd 3, engine -> host on fd 4.
//
//   host -> engine: `e<script>` eval in the global scope, `?<bytes>` handleCommand(ArrayBuffer), `w<path>` write a
//                   heap snapshot to path, `q` quit
//   engine -> host: `.<meter JSON>\x01<result>` done, `!<error>` the crank threw,
//                   `?<bytes>` issueCommand(ArrayBuffer) from inside the crank: it blocks for `/<reply>`
//
// Each `e` or `?` is one crank: the engine runs it, then its promise jobs and setImmediate callbacks, then
// replies with the crank's exact computrons ("compute") and its live slot count ("currentHeapCount").
// Messages are strictly one at a time, so one pending crank and a synchronous command handler suffice.
// An unhandled rejection does not fail a crank; XS only prints it on stderr, which is kept for the caller.

import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";

export interface Meter {
	/** Computrons of the crank: XS's metering of bytecodes and of per-element library work. */
	compute: number;
	/** Live slots at the end of the crank, garbage included unless the crank ran gc(). */
	currentHeapCount: number;
	/** Bytes the engine obtained from the system so far (grows in steps, never shrinks). */
	allocate: number;
}

export interface LiveHeap {
	/** Bytes of live chunks. */
	chunkBytes: number;
	/** Live slots. */
	slots: number;
}

export interface CrankResult {
	meter: Meter;
	/** The ArrayBuffer the crank returned (or its `result` property), else empty. */
	result: Uint8Array;
}

export interface XsWorkerOptions {
	/** The xsnap-worker binary. */
	path: string;
	/** Answers issueCommand() from inside XS; the return value is the reply. */
	handleCommand: (bytes: Uint8Array) => Uint8Array | string | void;
	/** Computrons one crank may use; a crank that exceeds it kills the engine (exit 17). */
	meteringLimit?: number;
	/**
	 * Computrons between two checks of the limit (xsnap's default, 1, checks at every one, which costs
	 * about a sixth of the engine's time); the counts do not depend on it, only how far past the limit
	 * a runaway crank gets.
	 */
	meteringInterval?: number;
}

/** Exit codes of xsnap-worker.c. */
const EXIT_REASONS: { [code: number]: string } = {
	11: "not enough memory", 12: "stack overflow", 15: "unhandled exception", 16: "no more keys", 17: "too much computation",
};

const COLON = 0x3a;
const COMMA = 0x2c;

export class XsWorker {
	readonly #child: ChildProcess;
	readonly #toEngine: Writable;
	readonly #handleCommand: XsWorkerOptions["handleCommand"];
	#pending: { resolve: (result: CrankResult) => void; reject: (error: Error) => void } | undefined;
	#input: Buffer = Buffer.alloc(0);
	#stderr = "";
	#stdout = "";
	#exit: Promise<number | null>;
	#exited: string | undefined; // why the engine is gone

	constructor(options: XsWorkerOptions) {
		const args = ["xscam"];
		if (options.meteringLimit) args.push("-l", String(options.meteringLimit), "-i", String(options.meteringInterval ?? 1));
		this.#child = spawn(options.path, args, { stdio: ["ignore", "pipe", "pipe", "pipe", "pipe"] });
		this.#handleCommand = options.handleCommand;
		const stdio = this.#child.stdio;
		this.#toEngine = stdio[3] as Writable;
		(stdio[4] as Readable).on("data", (chunk: Buffer) => this.#received(chunk));
		this.#child.stdout!.setEncoding("utf8").on("data", (text: string) => void (this.#stdout += text));
		this.#child.stderr!.setEncoding("utf8").on("data", (text: string) => void (this.#stderr += text));
		this.#toEngine.on("error", () => {}); // EPIPE after the engine died: reported through exit
		this.#exit = new Promise((resolve) => {
			this.#child.on("exit", (code, signal) => {
				this.#exited = "xsnap-worker exited with " + (signal ?? code) + (code !== null && EXIT_REASONS[code] ? " (" + EXIT_REASONS[code] + ")" : "");
				this.#fail(new Error(this.#exited + (this.#stderr ? ": " + this.#stderr.trim() : "")));
				resolve(code);
			});
			this.#child.on("error", (error) => {
				this.#exited = "xsnap-worker did not start: " + error.message;
				this.#fail(new Error(this.#exited));
				resolve(null);
			});
		});
	}

	/** Whether the engine is still there. */
	get running(): boolean {
		return this.#exited === undefined;
	}

	/** What XS printed on stderr: unhandled rejections and engine errors. Empty in a healthy run. */
	get stderr(): string {
		return this.#stderr;
	}

	/** What print() wrote; it may arrive after the crank that printed it. */
	get stdout(): string {
		return this.#stdout;
	}

	/** Runs `script` as a global script (not a module); one crank. */
	evaluate(script: string): Promise<CrankResult> {
		return this.#crank("e", Buffer.from(script, "utf8"));
	}

	/** Calls globalThis.handleCommand(ArrayBuffer of `bytes`) in XS; one crank. */
	deliver(bytes: Uint8Array): Promise<CrankResult> {
		return this.#crank("?", bytes);
	}

	/**
	 * What the heap holds, from a snapshot written to `path` (xsnap-worker's `w`, which runs no JS). XS
	 * writes only what is reachable, so its "BLOC" section is the live chunks (the bytes of strings,
	 * array items, buffers, closures' code) and its "HEAP" section the live slots: the engine reports
	 * chunks nowhere else (its instrumentation is compiled out of this build).
	 */
	async liveHeap(path: string): Promise<LiveHeap> {
		await this.#crank("w", Buffer.from(path, "utf8"));
		return heapSections(readFileSync(path));
	}

	/** Quits the engine and waits for it; returns its exit code. */
	async close(): Promise<number | null> {
		if (!this.#exited) this.#send("q", new Uint8Array(0));
		this.#toEngine.end();
		return this.#exit;
	}

	#crank(kind: "e" | "?" | "w", body: Uint8Array): Promise<CrankResult> {
		if (this.#exited) return Promise.reject(new Error(this.#exited));
		if (this.#pending) return Promise.reject(new Error("xsnap-worker: one crank at a time"));
		return new Promise((resolve, reject) => {
			this.#pending = { resolve, reject };
			this.#send(kind, body);
		});
	}

	#send(kind: string, body: Uint8Array): void {
		const head = Buffer.from(String(body.byteLength + 1) + ":" + kind, "latin1");
		this.#toEngine.write(Buffer.concat([head, body, Buffer.of(COMMA)]));
	}

	#received(chunk: Buffer): void {
		this.#input = this.#input.byteLength ? Buffer.concat([this.#input, chunk]) : chunk;
		for (;;) {
			const colon = this.#input.indexOf(COLON);
			if (colon < 0) return;
			const length = Number(this.#input.toString("latin1", 0, colon));
			const end = colon + 1 + length;
			if (this.#input.byteLength < end + 1) return;
			if (this.#input[end] !== COMMA) throw new Error("xsnap-worker: bad netstring");
			const message = this.#input.subarray(colon + 1, end);
			this.#input = this.#input.subarray(end + 1);
			this.#message(message);
		}
	}

	#message(message: Buffer): void {
		const kind = message[0];
		const body = message.subarray(1);
		if (kind === 0x3f) { // "?": issueCommand, answered at once; the engine waits for it
			let reply: Uint8Array | string | void;
			try {
				reply = this.#handleCommand(body);
			}
			catch (error) {
				// the engine cannot be told; fail the crank here and stop the engine
				this.#fail(error as Error);
				this.#child.kill();
				return;
			}
			this.#send("/", typeof reply === "string" ? Buffer.from(reply, "utf8") : reply ?? new Uint8Array(0));
			return;
		}
		const pending = this.#pending;
		this.#pending = undefined;
		if (!pending) throw new Error("xsnap-worker: a reply nobody asked for");
		if (kind === 0x2e) { // ".": done
			const separator = body.indexOf(1);
			const meter = JSON.parse(body.toString("utf8", 0, separator)) as Meter;
			pending.resolve({ meter, result: new Uint8Array(body.subarray(separator + 1)) });
		}
		else if (kind === 0x21) pending.reject(new Error("XS: " + body.toString("utf8"))); // "!": threw
		else pending.reject(new Error("xsnap-worker: unexpected reply " + String.fromCharCode(kind)));
	}

	#fail(error: Error): void {
		const pending = this.#pending;
		this.#pending = undefined;
		pending?.reject(error);
	}
}

/**
 * The sizes of a snapshot's sections (xsSnapshot.c, fxWriteSnapshot): a 4-byte size and "XS_M", then
 * atoms of a big-endian u32 size (counting its own 8 bytes) and a 4-letter name: VERS (its last byte the
 * size of a slot), SIGN, CREA, BLOC (chunks), HEAP (slots), STAC, KEYS, NAME, SYMB.
 */
function heapSections(bytes: Buffer): LiveHeap {
	const sizes = new Map<string, { at: number; size: number }>();
	for (let at = 8; at + 8 <= bytes.byteLength;) {
		const size = bytes.readUInt32BE(at);
		sizes.set(bytes.toString("latin1", at + 4, at + 8), { at, size });
		at += size;
	}
	const version = sizes.get("VERS");
	const chunks = sizes.get("BLOC");
	const slots = sizes.get("HEAP");
	if (bytes.toString("latin1", 4, 8) !== "XS_M" || !version || !chunks || !slots) throw new Error("xsnap-worker: not an XS snapshot");
	const slotSize = Math.abs(bytes.readInt8(version.at + 11));
	return { chunkBytes: chunks.size - 8, slots: (slots.size - 8) / slotSize };
}
