// wifi, the SDK's older Wi-Fi module (modules/network/wifi/esp32/xs6wifi.c; reference/moddable-sdk.md
// §3.2): the only one with access-point mode. xscam uses its statics only, in setup mode.

declare module "wifi" {
	export type WiFiMode = -5 | 0 | 1 | 2 | 3;

	export interface ScanOptions {
		hidden?: boolean;
		channel?: number;
	}

	export interface ScanItem {
		ssid: string;
		authentication: string;
		rssi: number;
		bssid: ArrayBuffer;
	}

	export interface AccessPointOptions {
		ssid: string;
		/** 8 to 64 characters: WPA/WPA2; absent: an open access point. */
		password?: string;
		channel?: number;
		hidden?: boolean;
		interval?: number;
		max?: number;
	}

	export default class WiFi {
		/** Called once per access point found, then with nothing (null on the ESP32, undefined in the simulator). */
		static scan(options: ScanOptions, callback: (item: ScanItem | null) => void): void;
		static mode: WiFiMode;
		static accessPoint(options: AccessPointOptions): void;
		static disconnect(): void;
	}
}
