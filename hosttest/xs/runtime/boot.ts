// The first script the engine runs, in xsnap-worker's global scope (the start compartment), bundled as
// a plain script. It owns issueCommand and builds the firmware's world as modules, the way a Moddable
// build links them: one XS Compartment whose module map holds "main" (the firmware bundle), one module
// per Moddable specifier (the host module behind it), and the host modules' own shared modules, so all
// of them see one board (hosttest/host/board.ts). The firmware's compartment gets no global beyond the
// language's own and trace(): no issueCommand, no TextEncoder, nothing a device would not have.

import type { BridgeCall, Posting, PostedOp, XsBoardOptions } from "../bridge-types";
import type { BoardControl, Bridge } from "./xs-board";

declare const issueCommand: (request: ArrayBuffer) => ArrayBuffer;
declare const gc: () => void;
/** xsnap-worker's Base64 module: native, so encoding a frame is not metered by its size. */
declare const Base64: { encode(bytes: ArrayBuffer | ArrayBufferView): string };
/** XS's own ArrayBuffer.prototype.concat: a native copy of this and each argument into a new buffer. */
type Concatenable = ArrayBuffer & { concat(...buffers: ArrayBuffer[]): ArrayBuffer };
declare class ModuleSource {
	constructor(source: string);
}
declare class Compartment {
	constructor(options: {
		modules: { [specifier: string]: { source: ModuleSource } };
		loadNowHook: (specifier: string) => never;
	});
	importNow(specifier: string): { [name: string]: unknown };
}

export interface BootSpec {
	/** Specifier -> source text of an ES module. */
	modules: { [specifier: string]: string };
	board: XsBoardOptions;
}

interface Device {
	close(): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const posted: PostedOp[] = [];
const payloads: ArrayBuffer[] = [];

/** A Posting (bridge-types.ts) of everything posted since the last one, and `extra`. */
function posting(extra: Omit<Posting, "posted">): ArrayBuffer {
	const json = encoder.encode(JSON.stringify({ posted, ...extra }));
	const head = new ArrayBuffer(4) as Concatenable;
	new DataView(head).setUint32(0, json.byteLength);
	const message = head.concat(json.buffer.slice(json.byteOffset, json.byteOffset + json.byteLength) as ArrayBuffer, ...payloads);
	posted.length = 0;
	payloads.length = 0;
	return message;
}

const bridge: Bridge = {
	post(op: PostedOp, payload?: ArrayBuffer): void {
		posted.push(op);
		if (payload) payloads.push(payload);
	},
	call: (question: BridgeCall) => issueCommand(posting({ call: question })),
	callWith(question: BridgeCall, payload: ArrayBuffer): ArrayBuffer {
		payloads.push(payload);
		return bridge.call(question);
	},
	equal: (held, bytes) => held.byteLength === bytes.byteLength && Base64.encode(held) === Base64.encode(bytes),
	decode: (bytes) => decoder.decode(bytes),
};

let control: BoardControl | undefined;
let device: Device | undefined;

const xscam = {
	/** Builds the board and the module graph, then calls the firmware's main() as the SDK does; returns what was posted. */
	boot(spec: BootSpec): ArrayBuffer {
		const modules: { [specifier: string]: { source: ModuleSource } } = {};
		for (const specifier of Object.keys(spec.modules)) modules[specifier] = { source: new ModuleSource(spec.modules[specifier]) };
		const compartment = new Compartment({
			modules,
			loadNowHook(specifier) {
				throw new Error("no module \"" + specifier + "\" on this host (hosttest/host/modules.ts lists the Moddable modules)");
			},
		});
		const { startBoard } = compartment.importNow("xscam:xs/xs-board") as { startBoard: (bridge: Bridge, options: XsBoardOptions) => BoardControl };
		control = startBoard(bridge, spec.board);
		compartment.importNow("xscam:host/globals"); // trace()
		const main = compartment.importNow("main").default as () => Device | undefined;
		device = main();
		return posting({});
	},
	/** What the hosts do at the end of a test (a device runs until power-off); returns what was posted. */
	close(): ArrayBuffer {
		device?.close();
		device = undefined;
		return posting({});
	},
};

/**
 * Every crank after boot comes here, not through eval: each eval keeps one slot, which would blur slot
 * counts. The reply is what the crank posted, with the report when one was asked for.
 */
function handleCommand(command: ArrayBuffer): ArrayBuffer {
	const crank = control!.crank(command);
	if (crank.gc) gc();
	return posting(crank.report ? { report: control!.report(device !== undefined) } : {});
}

Object.defineProperty(globalThis, "xscam", { value: xscam });
Object.defineProperty(globalThis, "handleCommand", { value: handleCommand });
