// net (modules/network/net; reference/moddable-sdk.md §3.4). Values are undefined when offline.

declare module "net" {
	const Net: {
		get(what: "IP" | "MAC" | "SSID" | "BSSID", iface?: string): string | undefined;
		get(what: "RSSI" | "CHANNEL", iface?: string): number | undefined;
		get(what: "DNS", iface?: string): string[] | undefined;
		/** Always asynchronous; `address` is undefined when the name does not resolve. */
		resolve(host: string, callback: (name: string, address: string | undefined) => void): void;
	};
	export default Net;
}
