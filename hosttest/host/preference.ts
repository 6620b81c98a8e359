// preference with the ESP32's NVS rules (modules/files/preference/esp32/modPreference.c,
// documentation/files/files.md; reference/moddable-sdk.md §6.2): domain and key of at most 15
// characters, integers but no floats, binary only as an ArrayBuffer of at most 4000 bytes. The store
// belongs to the board, so it survives a restart of the firmware. (The lin simulator checks none of
// this; the device does, so the host does.)

import type DevicePreference from "preference";
import type { PreferenceValue } from "preference";
import { board } from "./board";

const MAX_NAME = 15;
const MAX_VALUE_BYTES = 4000;

function domainOf(domain: string, create: boolean): Map<string, PreferenceValue> | undefined {
	if (typeof domain !== "string" || domain.length === 0 || domain.length > MAX_NAME) throw new Error("nvs_open fail");
	const preferences = board().preferences;
	let values = preferences.get(domain);
	if (!values && create) preferences.set(domain, values = new Map());
	return values;
}

function checkKey(key: string): void {
	if (typeof key !== "string" || key.length === 0 || key.length > MAX_NAME) throw new Error("nvs set fail");
}

const Preference = {
	set(domain: string, key: string, value: PreferenceValue): void {
		const values = domainOf(domain, true)!;
		checkKey(key);
		if (typeof value === "number") {
			if (!Number.isInteger(value)) throw new Error("float unsupported");
			if (value < -2147483648 || value > 2147483647) throw new Error("nvs set fail");
		}
		else if (typeof value === "string") {
			if (value.length > MAX_VALUE_BYTES) throw new Error("nvs set fail");
		}
		else if (value instanceof ArrayBuffer) {
			if (value.byteLength > MAX_VALUE_BYTES) throw new Error("nvs set fail");
			value = value.slice(0);
		}
		else if (typeof value !== "boolean") throw new Error("unsupported type");
		values.set(key, value);
	},
	get(domain: string, key: string): PreferenceValue | undefined {
		const value = domainOf(domain, false)?.get(key);
		return value instanceof ArrayBuffer ? value.slice(0) : value;
	},
	delete(domain: string, key: string): void {
		domainOf(domain, false)?.delete(key);
	},
	keys(domain: string): string[] {
		return [...(domainOf(domain, false)?.keys() ?? [])];
	},
};

export default Preference satisfies typeof DevicePreference;
