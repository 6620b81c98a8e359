// embedded:network/interface/wifi for the SDK's lin simulator, which has none: the simulator uses the
// host's network, so a connect() to any SSID succeeds, with the ESP32's sequence and its quirks
// (reference/moddable-sdk.md §3.3): 300 at once with no event, then 400 and 500 with events; the
// address is the host's (Net.get("IP")). Like the ESP32's station, the link is shared by every instance.

import Net from "net";
import Timer from "timer";

type OnChanged = (this: WiFi, what: "connection" | "address") => void;

const JOIN_STEP = 100; // ms to associate, then to get an address
const station = {
	connection: 200,
	ssid: undefined as string | undefined,
	joining: undefined as ReturnType<typeof Timer.set> | undefined,
	instances: new Set<WiFi>(),
};

function announce(connection: number): void {
	station.connection = connection;
	for (const wifi of station.instances) wifi.changed("connection");
	if (connection === 500) for (const wifi of station.instances) wifi.changed("address");
}

export default class WiFi {
	readonly #onChanged: OnChanged | undefined;

	constructor(options: { onChanged?: OnChanged } = {}) {
		const onChanged = options.onChanged;
		if (onChanged !== undefined && typeof onChanged !== "function") throw new Error("not a function");
		this.#onChanged = onChanged;
		station.instances.add(this);
	}

	/** Called by the station for each event. */
	changed(what: "connection" | "address"): void {
		this.#onChanged?.call(this, what);
	}

	connect(options: { SSID: string; password?: string }): void {
		if (!options?.SSID) throw new Error("SSID required");
		if (station.connection === 300) throw new Error("already connecting");
		station.connection = 300;
		station.ssid = options.SSID;
		station.joining = Timer.set(() => {
			announce(400);
			station.joining = Timer.set(() => {
				station.joining = undefined;
				announce(500);
			}, JOIN_STEP);
		}, JOIN_STEP);
	}

	disconnect(): void {
		Timer.clear(station.joining);
		station.joining = undefined;
		station.connection = 200; // no event, as on the ESP32
	}

	close(): void {
		station.instances.delete(this);
	}

	get connection(): number {
		return station.connection;
	}

	get address(): string | undefined {
		return station.connection === 500 ? Net.get("IP") : undefined;
	}

	get MAC(): string | undefined {
		return "02:00:00:00:00:01"; // a locally administered address: the simulator has no radio
	}

	get SSID(): string | undefined {
		return station.connection === 500 ? station.ssid : undefined;
	}

	get RSSI(): number | undefined {
		return station.connection === 500 ? -40 : undefined;
	}
}
