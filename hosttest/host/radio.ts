// The air around the simulated board: access points a test controls (password, range, outages, a DHCP
// server that changes the station's address) and the board's one Wi-Fi station. A join takes time and
// fails the way ESP32 joins fail: no access point with that SSID in range, or a wrong password, both
// ending back at 200 with no reason given (reference/moddable-sdk.md §3.3 and §9.17). XS-portable.

export interface AccessPointOptions {
	ssid: string;
	/** "" for an open network. */
	password?: string;
	rssi?: number;
	channel?: number;
	bssid?: string;
	inRange?: boolean;
}

export class AccessPoint {
	readonly ssid: string;
	password: string;
	rssi: number;
	readonly channel: number;
	readonly bssid: string;
	#inRange: boolean;
	readonly #radio: Radio;

	constructor(radio: Radio, options: AccessPointOptions) {
		this.#radio = radio;
		this.ssid = options.ssid;
		this.password = options.password ?? "";
		this.rssi = options.rssi ?? -60;
		this.channel = options.channel ?? 6;
		this.bssid = options.bssid ?? "24:0a:c4:00:00:01";
		this.#inRange = options.inRange ?? true;
	}

	get inRange(): boolean {
		return this.#inRange;
	}

	/** Out of range, the station associated with it loses the link at once. */
	set inRange(inRange: boolean) {
		this.#inRange = inRange;
		if (!inRange) this.#radio.lost(this);
	}

	/** Goes out of range for `ms`, then comes back. */
	outage(ms: number): void {
		this.inRange = false;
		this.#radio.timers.setTimer(() => {
			this.inRange = true;
		}, ms);
	}
}

export interface RadioTimers {
	setTimer(callback: () => void, ms: number): unknown;
	clearTimer(handle: unknown): void;
}

export interface RadioOptions {
	/** The station's address once joined (a 127/8 one is also the source of its connections, node-board.ts). */
	address?: string;
	mac?: string;
	/** Association, then DHCP, ms. */
	associateDelay?: number;
	dhcpDelay?: number;
	/** How long a join looks for an access point that is not there, ms. */
	scanTimeout?: number;
	/** How long the 4-way handshake takes to fail with a wrong password, ms. */
	handshakeTimeout?: number;
}

/** The board's own access point (the older `wifi` module's WiFi.accessPoint), as a phone sees it. */
export interface SoftAccessPoint {
	ssid: string;
	/** "" for an open one. */
	password: string;
	channel: number;
	hidden: boolean;
	/** The board's address on it: the IDF's default 192.168.4.1. */
	address: string;
}

/** Listeners run inside the radio's step; the host Wi-Fi posts them to the firmware as events. */
type Listener = (what: "connection" | "address") => void;

export const DISCONNECTED = 200;
export const CONNECTING = 300;
export const ASSOCIATED = 400;
export const CONNECTED = 500;

export class Radio {
	readonly timers: RadioTimers;
	readonly mac: string;
	readonly accessPoints: AccessPoint[] = [];
	readonly #options: Required<Omit<RadioOptions, "mac">>;
	readonly #listeners = new Set<Listener>();
	#connection = DISCONNECTED;
	#accessPoint: AccessPoint | undefined;
	#step: unknown; // the pending timer of a join in progress
	#softAccessPoint: SoftAccessPoint | undefined;
	#lease: string; // the address the DHCP server gives
	#bound: string | undefined; // the address the station has now
	readonly #addressLost = new Set<(address: string) => void>();

	constructor(timers: RadioTimers, options: RadioOptions = {}) {
		this.timers = timers;
		this.mac = options.mac ?? "24:0a:c4:12:34:56";
		this.#options = {
			address: options.address ?? "192.168.4.2",
			associateDelay: options.associateDelay ?? 300,
			dhcpDelay: options.dhcpDelay ?? 200,
			scanTimeout: options.scanTimeout ?? 3000,
			handshakeTimeout: options.handshakeTimeout ?? 2000,
		};
		this.#lease = this.#options.address;
	}

	addAccessPoint(options: AccessPointOptions): AccessPoint {
		const accessPoint = new AccessPoint(this, options);
		this.accessPoints.push(accessPoint);
		return accessPoint;
	}

	/** 200, 300, 400 or 500, as ECMA-419's `connection`. */
	get connection(): number {
		return this.#connection;
	}

	/** The access point the station is associated with (400 or 500). */
	get accessPoint(): AccessPoint | undefined {
		return this.#connection >= ASSOCIATED ? this.#accessPoint : undefined;
	}

	/** The station's IPv4 address: undefined while it has none, also in the middle of a renewal (still 500). */
	get address(): string | undefined {
		return this.#connection === CONNECTED ? this.#bound : undefined;
	}

	subscribe(listener: Listener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	/** For lwIP's TCP (tcp.ts): `listener` hears of an address the station lost while it stayed joined. */
	onAddressLost(listener: (address: string) => void): () => void {
		this.#addressLost.add(listener);
		return () => this.#addressLost.delete(listener);
	}

	/**
	 * The DHCP server gives the station another address: it refused the renewal (or the lease ran out),
	 * so lwIP sets the address to 0.0.0.0 at once, which aborts every TCP connection bound to the old one
	 * (tcp_netif_ip_addr_changed), and asks again: the new address is bound after `dhcpDelay`. The
	 * ECMA-419 Wi-Fi says nothing of either: the IDF's second IP_EVENT_STA_GOT_IP changes none of its
	 * flags and it ignores IP_EVENT_STA_LOST_IP (wifi-esp32.c), so `connection` stays 500 and no
	 * onChanged fires. Meanwhile Net.get("IP") is undefined (the device's WiFi `address` would give its
	 * IPv6 link-local one, which this station does not have), and a connect finds no route.
	 */
	renewLease(address: string): void {
		const lost = this.address;
		if (lost === undefined) throw new Error("host: renewLease() needs a station with an address");
		this.#lease = address;
		this.#bound = undefined;
		for (const listener of this.#addressLost) listener(lost);
		this.#after(this.#options.dhcpDelay, () => {
			this.#bound = this.#lease;
		});
	}

	/** One attempt, no retries, like esp_wifi_connect under the ECMA-419 interface. */
	connect(ssid: string, password: string): void {
		if (this.#connection === CONNECTING) throw new Error("already connecting");
		this.#cancelStep();
		this.#set(CONNECTING);
		const accessPoint = this.accessPoints.find((candidate) => candidate.ssid === ssid && candidate.inRange);
		if (!accessPoint) {
			this.#after(this.#options.scanTimeout, () => this.#set(DISCONNECTED));
			return;
		}
		if (accessPoint.password !== password) {
			this.#after(this.#options.handshakeTimeout, () => this.#set(DISCONNECTED));
			return;
		}
		this.#after(this.#options.associateDelay, () => {
			this.#accessPoint = accessPoint;
			this.#set(ASSOCIATED);
			this.#after(this.#options.dhcpDelay, () => {
				this.#bound = this.#lease;
				this.#set(CONNECTED);
				this.#notify("address");
			});
		});
	}

	/** The board's own access point, once started. */
	get softAccessPoint(): SoftAccessPoint | undefined {
		return this.#softAccessPoint;
	}

	/** Starts (or reconfigures) the board's own access point. */
	startSoftAccessPoint(options: Omit<SoftAccessPoint, "address">): void {
		this.#softAccessPoint = { ...options, address: "192.168.4.1" };
	}

	/** A phone joining the board's access point: true when it is up with that name and password. */
	joinSoftAccessPoint(ssid: string, password: string): boolean {
		const softAccessPoint = this.#softAccessPoint;
		return softAccessPoint !== undefined && softAccessPoint.ssid === ssid && softAccessPoint.password === password;
	}

	/** What a scan finds: the access points in range. */
	scan(): AccessPoint[] {
		return this.accessPoints.filter((accessPoint) => accessPoint.inRange);
	}

	/** Asked for by the station: on the ESP32 this fires no onChanged (wifi-esp32.c). */
	disconnect(): void {
		this.#cancelStep();
		if (this.#connection !== DISCONNECTED) this.#set(DISCONNECTED, false);
	}

	/** Called by an access point that went away: the driver reports the loss. */
	lost(accessPoint: AccessPoint): void {
		if (this.#accessPoint !== accessPoint || this.#connection < ASSOCIATED) return;
		this.#cancelStep();
		this.#set(DISCONNECTED);
	}

	#after(ms: number, step: () => void): void {
		this.#step = this.timers.setTimer(() => {
			this.#step = undefined;
			step();
		}, ms);
	}

	#cancelStep(): void {
		if (this.#step !== undefined) this.timers.clearTimer(this.#step);
		this.#step = undefined;
	}

	/** 300 is set inside connect() with no event on the ESP32; 400, 500 and a failure or loss fire one. */
	#set(connection: number, notify = connection !== CONNECTING): void {
		this.#connection = connection;
		if (connection < ASSOCIATED) this.#accessPoint = undefined;
		if (connection < CONNECTED) this.#bound = undefined;
		if (notify) this.#notify("connection");
	}

	#notify(what: "connection" | "address"): void {
		for (const listener of this.#listeners) listener(what);
	}
}
