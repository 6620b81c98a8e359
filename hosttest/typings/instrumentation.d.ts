// instrumentation (modules/base/instrumentation; reference/moddable-sdk.md §6.4). Every function returns
// undefined in release builds; indexes differ per platform, so always map() a name.

declare module "instrumentation" {
	const Instrumentation: {
		get(index: number | undefined): number | undefined;
		map(name: string): number | undefined;
		name(index: number): string | undefined;
	};
	export default Instrumentation;
}
