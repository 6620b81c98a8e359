// mc/ffi (documentation/xs/XS FFI.md; typings/mc/ffi.d.ts in the SDK): an object whose methods are the C
// functions the manifest's "ffi" block declares. mcconfig generates the exact signatures per build;
// without the SDK, this is its fallback.

declare module "mc/ffi" {
	interface FFI {
		[name: string]: (...args: never[]) => unknown;
	}
	const FFI: { new (): FFI };
	export default FFI;
}
