// What XS offers the firmware and the simulator modules that Node 20 does not: the trace() global,
// which writes to the board's console with no separator and no newline of its own (xsGlobal.c), and
// ArrayBuffer.prototype.transfer (ES2024, in XS; Node has it from version 22).

import { board } from "./board";

Object.defineProperty(globalThis, "trace", {
	value: (...items: unknown[]) => board().trace(items.map(String).join("")),
	configurable: true,
	writable: true,
});

if (!("transfer" in ArrayBuffer.prototype)) {
	Object.defineProperty(ArrayBuffer.prototype, "transfer", {
		value(this: ArrayBuffer, length = this.byteLength) {
			const moved = structuredClone(this, { transfer: [this] }); // detaches this
			if (length === moved.byteLength) return moved;
			const resized = new Uint8Array(length);
			resized.set(new Uint8Array(moved, 0, Math.min(length, moved.byteLength)));
			return resized.buffer;
		},
		configurable: true,
		writable: true,
	});
}
