// embedded:network/interface/wifi on the simulated radio, as strict as the ESP32's ECMA-419 Wi-Fi
// (modules/io/wifi/esp32/wifi-esp32.js; reference/moddable-sdk.md §3.3): one attempt per connect(), no
// retries, no reason for a failure, getters undefined while not connected, MAC in lower case.

import type DeviceWiFi from "embedded:network/interface/wifi";
import { board } from "./board";
import { callback, closedError, copyTarget } from "../../modules/sim/io-common";
import { CONNECTED, type Radio } from "./radio";

type OnChanged = (this: WiFi, what: "connection" | "address") => void;

class WiFi {
	target?: unknown;
	#radio: Radio | undefined;
	#unsubscribe: () => void;

	constructor(options: { onChanged?: OnChanged; target?: unknown } = {}) {
		const onChanged = callback<OnChanged>(options, "onChanged");
		copyTarget(this, options);
		const radio = board().radio; // a new instance picks up the station's current state
		this.#radio = radio;
		this.#unsubscribe = radio.subscribe((what) => board().defer(() => { // posted as an event, never inside the call
			if (this.#radio) onChanged?.call(this, what);
		}));
	}

	connect(options: { SSID: string; password?: string; channel?: number }): void {
		const radio = this.#live();
		if (typeof options?.SSID !== "string" || options.SSID === "") throw new Error("SSID required");
		if (options.channel !== undefined && !(Number.isInteger(options.channel) && options.channel >= 1 && options.channel <= 13))
			throw new RangeError("invalid channel");
		radio.connect(options.SSID, options.password ?? "");
	}

	disconnect(): void {
		this.#live().disconnect();
	}

	close(): void {
		if (!this.#radio) return;
		this.#unsubscribe();
		this.#radio = undefined; // closing the object stops callbacks; it does not take the link down
	}

	get connection(): number {
		return this.#live().connection;
	}

	get address(): string | undefined {
		return this.#live().address;
	}

	get MAC(): string | undefined {
		return this.#live().mac.toLowerCase();
	}

	get SSID(): string | undefined {
		return this.#joined()?.ssid;
	}

	get BSSID(): string | undefined {
		return this.#joined()?.bssid;
	}

	get RSSI(): number | undefined {
		return this.#joined()?.rssi;
	}

	get channel(): number | undefined {
		return this.#joined()?.channel;
	}

	#joined() {
		const radio = this.#live();
		return radio.connection === CONNECTED ? radio.accessPoint : undefined;
	}

	#live(): Radio {
		if (!this.#radio) throw closedError();
		return this.#radio;
	}
}

export default WiFi satisfies typeof DeviceWiFi;
