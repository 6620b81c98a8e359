// Rules every Moddable IO class follows (modules/io/common/builtinCommon.c; reference/moddable-sdk.md §0):
// callbacks are read once from the options object and must be functions; `target` is copied to the
// instance; after close() every method and getter throws, and a second close() does nothing. Used by the
// simulated camera here and by the host modules (hosttest/host/); XS-portable.

export type Callback = (...args: never[]) => void;

export function callback<F extends Callback>(options: object, name: string): F | undefined {
	const value = (options as { [key: string]: unknown })[name];
	if (value === undefined || value === null) return undefined;
	if (typeof value !== "function") throw new Error("not a function");
	return value as F;
}

export function copyTarget(instance: { target?: unknown }, options: object): void {
	if ("target" in options) instance.target = (options as { target?: unknown }).target;
}

/** What XS throws for any use of a closed IO object (xsAPI.c fxGetHostDataValidate). */
export function closedError(): SyntaxError {
	return new SyntaxError("C: xsGetHostData: invalid host data");
}
