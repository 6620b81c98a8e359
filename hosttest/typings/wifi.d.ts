// embedded:network/interface/wifi, the ECMA-419 Wi-Fi interface (modules/io/wifi/esp32/wifi-esp32.js;
// reference/moddable-sdk.md §3.3). One attempt per connect(), no retries; a wrong password is only a
// return to 200.

declare module "embedded:network/interface/wifi" {
	export interface WiFiOptions {
		onChanged?: (this: WiFi, what: "connection" | "address") => void;
		target?: unknown;
	}

	export default class WiFi {
		constructor(options?: WiFiOptions);
		connect(options: { SSID: string; password?: string; channel?: number }): void;
		disconnect(): void;
		close(): void;
		/** 200 disconnected, 300 connecting, 400 associated without IP, 500 connected with IP. */
		readonly connection: number;
		readonly address: string | undefined;
		readonly MAC: string | undefined;
		readonly SSID: string | undefined;
		readonly BSSID: string | undefined;
		readonly RSSI: number | undefined;
		readonly channel: number | undefined;
		target?: unknown;
	}
}
