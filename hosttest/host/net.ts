// net on the simulated board (modules/network/net; reference/moddable-sdk.md §3.4): values come from the
// Wi-Fi station and are undefined while it has no IP; the MAC is upper case here (lower case in the
// ECMA-419 Wi-Fi); resolve() always answers later, with `this` = globalThis.

import type DeviceNet from "net";
import { board } from "./board";
import { CONNECTED } from "./radio";

function get(what: "IP" | "MAC" | "SSID" | "BSSID", iface?: string): string | undefined;
function get(what: "RSSI" | "CHANNEL", iface?: string): number | undefined;
function get(what: "DNS", iface?: string): string[] | undefined;
function get(what: string): string | number | string[] | undefined {
	const radio = board().radio;
	if (what === "MAC") return radio.mac.toUpperCase();
	const accessPoint = radio.connection === CONNECTED ? radio.accessPoint : undefined;
	if (!accessPoint) return undefined;
	switch (what) {
		case "IP": return radio.address;
		case "SSID": return accessPoint.ssid;
		case "BSSID": return accessPoint.bssid;
		case "RSSI": return accessPoint.rssi;
		case "CHANNEL": return accessPoint.channel;
		default: return undefined;
	}
}

const Net = {
	get,
	resolve(host: string, callback: (name: string, address: string | undefined) => void): void {
		board().network.resolve(host, (address) => callback.call(globalThis as never, host, address));
	},
};

export default Net satisfies typeof DeviceNet;
