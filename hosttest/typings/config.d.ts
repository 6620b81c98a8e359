// mc/config: the manifest's `config`, with mcconfig's key=value arguments merged last. Deep-frozen, and
// values from the command line are always strings (reference/moddable-sdk.md §4).

declare module "mc/config" {
	const config: { readonly [key: string]: unknown };
	export default config;
}
