// The XS global the firmware uses without importing it: trace(), which writes to the board's console
// with no separator and no newline of its own (xsGlobal.c).

import { board } from "./board";

Object.defineProperty(globalThis, "trace", {
	value: (...items: unknown[]) => board().trace(items.map(String).join("")),
	configurable: true,
	writable: true,
});
