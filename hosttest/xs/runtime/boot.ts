// The first script the engine runs, in xsnap-worker's global scope (the start compartment), bundled as
// a plain script. It owns issueCommand and builds the firmware's world as modules, the way a Moddable
// build links them: one XS Compartment whose module map holds "main" (the firmware bundle), one module
// per Moddable specifier (the host module behind it), and the host modules' own shared modules, so all
// of them see one board (hosttest/host/board.ts). The firmware's compartment gets no global beyond the
// language's own and trace(): no issueCommand, no TextEncoder, nothing a device would not have.

import type { BridgeRequest, XsBoardOptions, XsReport } from "../bridge-types";
import type { BoardControl, Bridge } from "./xs-board";

declare const issueCommand: (request: ArrayBuffer) => ArrayBuffer;
declare const gc: () => void;
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

const bridge: Bridge = {
	call(request: BridgeRequest, payloads?: ArrayBuffer[]): ArrayBuffer {
		let reply = issueCommand(encoder.encode(JSON.stringify(request)).buffer as ArrayBuffer);
		if (payloads) for (const payload of payloads) reply = issueCommand(payload);
		return reply;
	},
	decode: (bytes) => decoder.decode(bytes),
};

let control: BoardControl | undefined;
let device: Device | undefined;

function reply(value: unknown): ArrayBuffer {
	return encoder.encode(JSON.stringify(value)).buffer as ArrayBuffer;
}

const xscam = {
	/** Builds the board and the module graph, then calls the firmware's main() as the SDK does. */
	boot(spec: BootSpec): void {
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
	},
	/** What the hosts do at the end of a test; a device runs until power-off. */
	close(): void {
		device?.close();
		device = undefined;
	},
};

/** Every crank after boot comes here, not through eval: each eval keeps one slot, which would blur slot counts. */
function handleCommand(command: ArrayBuffer): ArrayBuffer | undefined {
	const crank = control!.crank(command);
	if (crank.gc) gc();
	if (!crank.report) return undefined;
	const report: XsReport = control!.report(device !== undefined);
	return reply(report);
}

Object.defineProperty(globalThis, "xscam", { value: xscam });
Object.defineProperty(globalThis, "handleCommand", { value: handleCommand });
