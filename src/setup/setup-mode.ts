// Setup mode: the camera's own Wi-Fi access point, `xscam-<id>` (WPA2, the manifest's setupPassword),
// and a setup page on the SDK's HTTP server at http://192.168.4.1/: the networks in range, the network
// name, password, receiver and port. What the page saves goes to preference (app/saved-settings.ts)
// and wins over the manifest at every later start; then the camera restarts to join it. The page never
// shows a password, saved or posted.
//
// Access-point mode exists only in the SDK's older `wifi` module (the ECMA-419 Wi-Fi is station only),
// and the two must not both set the radio up (reference/moddable-sdk.md §3.2): setup mode runs from a
// fresh start, before and instead of the streaming device (main.ts), and uses only `wifi`.

import type HTTPServer from "embedded:network/http/server";
import type { HTTPConnection, HTTPConnectionHandlers, HTTPRequest, HTTPResponse } from "embedded:network/http/server";
import type Listener from "embedded:io/socket/listener";
import type Preference from "preference";
import type Timer from "timer";
import type WiFi from "wifi";
import type Boot from "xscam-boot";
import { restarter } from "../app/restart";
import { saveNetwork, withOverrides } from "../app/saved-settings";
import { type Config, isUnconfigured, readSettings, readSetupSettings } from "../app/settings";
import { readUtf8, utf8Length, writeUtf8 } from "../protocol/utf8";
import { type FoundNetwork, formOverrides, parseForm, savedPage, setupPage } from "./setup-form";
import { takeSetupRequest } from "./setup-fallback";

export interface SetupIO {
	WiFi: typeof WiFi;
	HTTPServer: typeof HTTPServer;
	Listener: typeof Listener;
	Preference: typeof Preference;
	Timer: typeof Timer;
	Boot: typeof Boot;
}

export interface SetupOptions {
	io: SetupIO;
	/** The config the camera started with: the manifest's, with saved settings over it. */
	config: Config;
	/** The manifest's own config, which saved settings are laid over. */
	manifest: Config;
	log: (line: string) => void;
}

export const SETUP_PORT = 80;
/** The ESP32's soft access point's own address (the IDF's default netif). */
export const SETUP_ADDRESS = "192.168.4.1";
/** A camera that has a network of its own goes back to trying it after this long without a save, ms. */
export const SETUP_WINDOW_MS = 10 * 60_000;
/** A form of the page's fields is far below this; more is read and dropped, then refused. */
const MAX_BODY_BYTES = 2048;
const SSID_BYTES = 32;
/** Station and access point: a scan needs the station. */
const STATION_AND_ACCESS_POINT = 3;

type TimerId = ReturnType<typeof Timer.set>;

export class SetupMode {
	/** Whether this start is for setup: nothing to join or stream to, or the last start asked for it (setup-fallback.ts). */
	static wanted(config: Config, preference: typeof Preference): boolean {
		return isUnconfigured(config) || takeSetupRequest(preference);
	}

	readonly accessPoint: string;
	readonly #options: SetupOptions;
	readonly #setupPassword: string;
	readonly #networks = new Map<string, FoundNetwork>();
	#scanning = false;
	#server: HTTPServer | undefined;
	#backToStation: TimerId | undefined;
	readonly #restart: (why: string) => void;

	/** Throws a config error when there is no setupPassword: an open setup access point would let anyone in range re-point the camera. */
	constructor(options: SetupOptions) {
		this.#options = options;
		this.#restart = restarter(options.io, options.log);
		const { id, setupPassword } = readSetupSettings(options.config);
		this.accessPoint = ("xscam-" + id).slice(0, SSID_BYTES); // an id is ASCII: a character is a byte
		this.#setupPassword = setupPassword;
	}

	start(): void {
		const { io, config, log } = this.#options;
		io.WiFi.mode = STATION_AND_ACCESS_POINT;
		io.WiFi.accessPoint({ ssid: this.accessPoint, password: this.#setupPassword });
		log("setup: access point " + JSON.stringify(this.accessPoint) + " is open; its page is http://" + SETUP_ADDRESS + "/");
		this.#scan();
		const setup = this;
		this.#server = new io.HTTPServer({
			io: io.Listener,
			port: SETUP_PORT,
			onConnect(connection) {
				connection.accept({
					onRequest(request) {
						this.route = setup.#route(request);
					},
				});
			},
		});
		if (!isUnconfigured(config)) {
			this.#backToStation = io.Timer.set(() => {
				this.#backToStation = undefined;
				this.#restart("nothing saved within " + SETUP_WINDOW_MS / 60_000 + " min: trying " + JSON.stringify(config.ssid) + " again");
			}, SETUP_WINDOW_MS);
		}
	}

	/** For the hosts (tests); a camera in setup mode leaves it by restarting. */
	close(): void {
		this.#server?.close();
		this.#server = undefined;
		if (this.#backToStation !== undefined) this.#options.io.Timer.clear(this.#backToStation);
		this.#backToStation = undefined;
	}

	#route(request: HTTPRequest): HTTPConnectionHandlers {
		const [path, query] = request.path.split("?");
		if (path !== "/") return reply(404, "text/plain", "not found: the setup page is /");
		if (request.method === "GET") {
			if (query === "scan") this.#scan();
			return reply(200, "text/html", this.#page());
		}
		if (request.method === "POST") return this.#post();
		return reply(405, "text/plain", "the setup page takes GET and POST");
	}

	#page(problem?: string): string {
		const { config } = this.#options;
		return setupPage({
			id: String(config.id), ssid: String(config.ssid ?? ""), server: String(config.server ?? ""), port: String(config.port ?? ""),
			hasPassword: !!config.password, networks: [...this.#networks.values()].sort((a, b) => b.rssi - a.rssi), problem,
		});
	}

	/** Reads the form (at most MAX_BODY_BYTES of it), checks it as the manifest's values are checked, and saves it. */
	#post(): HTTPConnectionHandlers {
		const body = new Uint8Array(MAX_BODY_BYTES);
		let length = 0;
		let tooLarge = false;
		let saved = false;
		const answer = (): [number, string] => {
			if (tooLarge) return [413, this.#page("the form is larger than " + MAX_BODY_BYTES + " bytes")];
			const text = readUtf8(body, 0, length);
			const fields = text === undefined ? undefined : parseForm(text);
			if (!fields) return [400, this.#page("the form is not application/x-www-form-urlencoded UTF-8")];
			const overrides = formOverrides(fields, String(this.#options.config.password ?? ""));
			const merged = withOverrides(this.#options.manifest, overrides);
			if (isUnconfigured(merged)) return [400, this.#page("the Wi-Fi network and the receiver are both needed")];
			try {
				readSettings(merged);
			}
			catch (error) {
				return [400, this.#page((error as Error).message.replace(/^config: /, ""))]; // "port must be an integer 1..65535, got …"
			}
			saveNetwork(this.#options.io.Preference, overrides);
			saved = true;
			this.#options.log("setup: saved the network settings (" + JSON.stringify(overrides.ssid) + ", receiver " + overrides.server + ":" + overrides.port + ")");
			return [200, savedPage(String(merged.id), String(overrides.ssid), overrides.server + ":" + overrides.port)];
		};
		const setup = this;
		let response: Uint8Array = new Uint8Array(0);
		let sent = 0;
		return {
			onReadable(count) {
				const bytes = new Uint8Array(this.read(count) as ArrayBuffer);
				if (length + bytes.byteLength > MAX_BODY_BYTES) tooLarge = true;
				else body.set(bytes, length);
				length += bytes.byteLength;
			},
			onResponse(out) {
				const [status, html] = answer();
				response = utf8(html);
				respond(this, out, status, "text/html", response);
			},
			onWritable(count) {
				sent = writeSome(this, response, sent, count);
			},
			onDone() {
				if (saved) setup.#restart("to join the saved network");
			},
		};
	}

	#scan(): void {
		if (this.#scanning) return;
		this.#scanning = true;
		try {
			this.#options.io.WiFi.scan({}, (found) => {
				if (!found) {
					this.#scanning = false;
					return;
				}
				const known = this.#networks.get(found.ssid);
				if (found.ssid !== "" && (!known || known.rssi < found.rssi)) // hidden networks have no name to pick
					this.#networks.set(found.ssid, { ssid: found.ssid, rssi: found.rssi, authentication: found.authentication });
			});
		}
		catch (error) {
			this.#scanning = false;
			this.#options.log("setup: cannot scan (" + (error as Error).message + ")");
		}
	}
}

/** A whole response of `text`: the handlers of a route that reads no body. */
function reply(status: number, type: string, text: string): HTTPConnectionHandlers {
	const bytes = utf8(text);
	let sent = 0;
	return {
		onResponse(response) {
			respond(this, response, status, type, bytes);
		},
		onWritable(count) {
			sent = writeSome(this, bytes, sent, count);
		},
	};
}

function utf8(text: string): Uint8Array {
	const bytes = new Uint8Array(utf8Length(text));
	writeUtf8(bytes, 0, text);
	return bytes;
}

/** Sends the status and headers of `bytes`. The server may ask for the body (onWritable) before this returns. */
function respond(connection: HTTPConnection, response: HTTPResponse, status: number, type: string, bytes: Uint8Array): void {
	response.status = status;
	// The SDK's server finds the body's length by this lower-case name only.
	response.headers.set("content-length", bytes.byteLength);
	response.headers.set("content-type", type + "; charset=utf-8");
	response.headers.set("cache-control", "no-store");
	response.headers.set("connection", "close"); // the server takes one request per connection
	connection.respond(response);
}

/** Writes what fits of `bytes` from `sent`: the server takes no more than `count` at a time. */
function writeSome(connection: HTTPConnection, bytes: Uint8Array, sent: number, count: number): number {
	const end = Math.min(bytes.byteLength, sent + count);
	connection.write(bytes.subarray(sent, end));
	return end;
}
