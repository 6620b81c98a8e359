// preference (modules/files/preference; reference/moddable-sdk.md §6.2). On ESP32 (NVS): domain and key
// of at most 15 characters, no floats, binary only as ArrayBuffer.

declare module "preference" {
	export type PreferenceValue = boolean | number | string | ArrayBuffer;
	const Preference: {
		set(domain: string, key: string, value: PreferenceValue): void;
		get(domain: string, key: string): PreferenceValue | undefined;
		delete(domain: string, key: string): void;
		keys(domain: string): string[];
	};
	export default Preference;
}
