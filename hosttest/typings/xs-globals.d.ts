// Globals that XS provides on every Moddable host. The SDK's own xs.d.ts declares them in a device build;
// this copy is for type-checking here, where the SDK is not installed.

/** Writes its arguments to the debug console, with no separator and no trailing newline. */
declare function trace(...items: (string | number | boolean)[]): void;
