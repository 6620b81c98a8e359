// wifi, the SDK's older Wi-Fi module, on the simulated radio: its statics as strict as the ESP32's
// (modules/network/wifi/esp32/xs6wifi.c; reference/moddable-sdk.md §3.2). xscam's setup mode uses them
// for the access point and the scan; its station instance is not simulated (the firmware's station is
// embedded:network/interface/wifi).

import type DeviceWiFi from "wifi";
import type { AccessPointOptions, ScanItem, ScanOptions, WiFiMode } from "wifi";
import { board } from "./board";

/** How long an active scan of all channels takes on the ESP32, about. */
export const SCAN_MS = 1500;
const SSID_BYTES = 32;
const MODES = [-5, 0, 1, 2, 3];

let mode: WiFiMode = -5; // the getter's answer before the radio is set up
let scanning: unknown; // the pending scan's timer

/** UTF-8 bytes: each %XX of the URI escape is one. */
function byteLength(text: string): number {
	return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, "x").length;
}

function bssidBytes(text: string): ArrayBuffer {
	return new Uint8Array(text.split(":").map((pair) => parseInt(pair, 16))).buffer;
}

class WiFi {
	constructor() {
		throw new Error("host: the wifi module's station instance is not simulated; the station is embedded:network/interface/wifi");
	}

	static get mode(): WiFiMode {
		return mode;
	}

	static set mode(value: WiFiMode) {
		if (!MODES.includes(value)) throw new Error("invalid mode");
		mode = value;
	}

	static accessPoint(options: AccessPointOptions & { station?: boolean }): void {
		const ssid = String(options.ssid);
		if (byteLength(ssid) > SSID_BYTES) throw new Error("ssid too long - 32 bytes max");
		let password = "";
		if ("password" in options) {
			password = String(options.password);
			if (password.length > 64) throw new Error("password too long - 64 bytes max");
			if (password.length < 8) throw new Error("password too short - 8 bytes min"); // "" too: an open one omits it
		}
		const channel = options.channel ?? 1;
		if (!(channel >= 1 && channel <= 13)) throw new Error("invalid channel");
		if (mode !== 2 && mode !== 3) mode = options.station ? 3 : 2;
		board().radio.startSoftAccessPoint({ ssid, password, channel, hidden: !!options.hidden });
	}

	static scan(options?: ScanOptions, callback?: (item: ScanItem | null) => void): void {
		const host = board();
		if (options === undefined) { // no argument: cancels the scan in progress
			host.clearTimer(scanning);
			scanning = undefined;
			return;
		}
		if (scanning !== undefined) throw new Error("already scanning");
		if (typeof options !== "object" || typeof callback !== "function") throw new Error("invalid");
		if (mode === 2) throw new Error("scan request failed"); // esp_wifi_scan_start: the IDF scans from a station only
		if (mode < 1) mode = 1;
		scanning = host.setTimer(() => {
			scanning = undefined;
			for (const accessPoint of host.radio.scan()) {
				callback({
					ssid: accessPoint.ssid, rssi: accessPoint.rssi, bssid: bssidBytes(accessPoint.bssid),
					authentication: accessPoint.password === "" ? "none" : "wpa2_psk",
					...{ channel: accessPoint.channel, hidden: false }, // in the SDK's answer, not in its typings
				});
			}
			callback(null);
		}, SCAN_MS);
	}

	static disconnect(): void {}
}

export default WiFi satisfies typeof DeviceWiFi;
