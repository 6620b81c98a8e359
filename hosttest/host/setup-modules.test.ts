// The host modules setup mode runs on, rule by rule against the SDK: the older `wifi` module's access
// point and scan (reference/moddable-sdk.md §3.2), the ECMA-419 listener and TCP's `from` (§2.3), and
// the HTTP server's rules (examples/io/listener/httpserver/httpserver.js).

import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { HTTPConnectionHandlers } from "embedded:network/http/server";
import type { Board } from "./board";
import { until } from "../server/helpers/harness";
import HTTPServer from "./http-server";
import { installBoard } from "./board";
import Listener from "./listener";
import { createNodeBoard } from "./node-board";
import TCP from "./tcp";
import WiFi from "./wifi-classic";

let board: Board;
let hostPort: number | undefined;
const closing: { close(): void }[] = [];

beforeEach(() => {
	hostPort = undefined;
	board = createNodeBoard({
		config: { manifest: {}, commandLine: {} }, trace: () => {},
		accessPoints: [{ ssid: "home", password: "correct horse", rssi: -55 }, { ssid: "cafe", inRange: false }, { ssid: "library", rssi: -80 }],
		listenOn: () => 0, onListening: (_port, port) => hostPort = port,
	});
	installBoard(board);
});

afterEach(() => {
	for (const item of closing.splice(0)) item.close();
	WiFi.scan(); // cancels a scan a test left running
});

describe("wifi (the older module): access point and scan", () => {
	it("refuses what the ESP32 refuses, with its messages", () => {
		expect(() => WiFi.accessPoint({ ssid: "x".repeat(33), password: "12345678" })).toThrow("ssid too long - 32 bytes max");
		expect(() => WiFi.accessPoint({ ssid: "é".repeat(17), password: "12345678" })).toThrow("ssid too long"); // 34 bytes
		expect(() => WiFi.accessPoint({ ssid: "cam", password: "1234567" })).toThrow("password too short - 8 bytes min");
		expect(() => WiFi.accessPoint({ ssid: "cam", password: "" })).toThrow("password too short"); // an open one leaves it out
		expect(() => WiFi.accessPoint({ ssid: "cam", password: "x".repeat(65) })).toThrow("password too long - 64 bytes max");
		expect(() => WiFi.accessPoint({ ssid: "cam", password: "12345678", channel: 14 })).toThrow("invalid channel");
		expect(() => { WiFi.mode = 4 as never; }).toThrow("invalid mode");
		expect(board.radio.softAccessPoint).toBeUndefined();
	});

	it("starts the board's own access point, on channel 1 unless asked, open without a password", () => {
		WiFi.accessPoint({ ssid: "cam", password: "12345678" });
		expect(board.radio.softAccessPoint).toEqual({ ssid: "cam", password: "12345678", channel: 1, hidden: false, address: "192.168.4.1" });
		WiFi.accessPoint({ ssid: "open-cam", channel: 6 });
		expect(board.radio.joinSoftAccessPoint("open-cam", "")).toBe(true);
	});

	it("scans from a station only, one scan at a time: each network in range, then null", async () => {
		WiFi.mode = 2;
		expect(() => WiFi.scan({}, () => {})).toThrow("scan request failed");
		WiFi.mode = 3;
		const found: unknown[] = [];
		WiFi.scan({}, (item) => found.push(item && { ssid: item.ssid, rssi: item.rssi, authentication: item.authentication, bssid: item.bssid.byteLength }));
		expect(() => WiFi.scan({}, () => {})).toThrow("already scanning");
		await until(() => found.includes(null), "the scan's end");
		expect(found).toEqual([
			{ ssid: "home", rssi: -55, authentication: "wpa2_psk", bssid: 6 },
			{ ssid: "library", rssi: -80, authentication: "none", bssid: 6 },
			null,
		]);
	});
});

describe("embedded:io/socket/listener and TCP's from", () => {
	it("announces a connection in a later turn, hands it over once, and takes no other format", async () => {
		expect(() => new Listener({ port: 80, format: "buffer" as never })).toThrow(RangeError);
		const pending: number[] = [];
		const listener = new Listener({ port: 80, onReadable: (count) => pending.push(count) });
		closing.push(listener);
		expect(listener.port).toBe(80);
		expect(listener.read()).toBeUndefined();
		await until(() => hostPort !== undefined, "listening");
		const client = connect(hostPort!, "127.0.0.1");
		client.write("hello");
		await until(() => pending.length > 0, "the connection announced");
		expect(pending).toEqual([1]);
		const from = listener.read()!;
		const received: string[] = [];
		const socket = new TCP({
			from,
			onReadable(count) { received.push(new TextDecoder().decode(this.read(count))); },
		});
		closing.push(socket);
		expect(() => new TCP({ from })).toThrow("invalid from"); // taken over already
		await until(() => received.length > 0, "the data sent before the takeover");
		expect(received.join("")).toBe("hello");
		expect(socket.remoteAddress).toBe("127.0.0.1");
		client.destroy();
		listener.close();
		expect(() => listener.read()).toThrow(SyntaxError); // closed, as XS's host objects are
	});
});

describe("embedded:network/http/server", () => {
	let refused = 0; // requests that never reached a route

	function serve(route: HTTPConnectionHandlers): void {
		refused = 0;
		closing.push(new HTTPServer({
			io: Listener, port: 80,
			onConnect(connection) {
				connection.accept({ onRequest() { this.route = route; }, onError() { refused++; } });
			},
		}));
	}

	async function exchange(request: string): Promise<string> {
		await until(() => hostPort !== undefined, "listening");
		const client = connect(hostPort!, "127.0.0.1");
		let text = "";
		client.on("data", (data) => text += data);
		client.end(request);
		await new Promise((resolve) => client.on("close", resolve));
		return text;
	}

	it("answers one request per connection, with the route's status, headers and body, and closes", async () => {
		const body = new TextEncoder().encode("hi there");
		let sent = 0;
		serve({
			onResponse(response) {
				response.status = 404;
				response.headers.set("content-length", body.byteLength);
				this.respond(response);
			},
			onWritable(count) {
				const end = Math.min(body.byteLength, sent + count);
				this.write(body.subarray(sent, end));
				sent = end;
			},
		});
		expect(await exchange("GET /x HTTP/1.1\r\nHost: cam\r\n\r\n")).toBe("HTTP/1.1 404 Not Found\r\ncontent-length: 8\r\n\r\nhi there");
	});

	it("gives the body to the route before the response, and closes on a request that is not HTTP/1.1", async () => {
		const read: string[] = [];
		serve({
			onReadable(count) { read.push(new TextDecoder().decode(this.read(count))); },
			onResponse(response) {
				response.headers.set("content-length", 0);
				this.respond(response);
			},
		});
		expect(await exchange("POST / HTTP/1.1\r\ncontent-length: 5\r\n\r\na=b&c")).toBe("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
		expect(read.join("")).toBe("a=b&c");
		expect(await exchange("GET / HTTP/1.0\r\n\r\n")).toBe("");
		expect(refused).toBe(1); // the request line fails before any route is chosen
	});
});
