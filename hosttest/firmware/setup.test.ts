// Setup mode, from nothing: a camera flashed without Wi-Fi or receiver opens its own access point and
// setup page (src/setup/), a phone joins it and fills the form over real HTTP, and the camera restarts,
// joins the network and streams to a real receiver, authenticated. The page never shows a password;
// a bad value is named and nothing saved. A camera that never joined its network opens the access
// point after `setupAfter`; one that once joined it keeps trying instead.

import { afterEach, describe, expect, it, vi } from "vitest";
import type { Device } from "../../src/app/device";
import type { SetupMode } from "../../src/setup/setup-mode";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver, type Receiver } from "../../server/receiver";
import { SCAN_MS } from "../host/wifi-classic";
import { captureLog, until } from "../server/helpers/harness";
import { boot, start } from "./boot";
import { deviceBoard, type DeviceBoard, WIFI } from "./device-board";

const SETUP_PASSWORD = "setup-passphrase";
const OFFICE = { ssid: "office", password: "office-passphrase", rssi: -70 };
/** The manifest of a camera flashed with only its id, key and setup password. */
const NOTHING = { ssid: "", password: "", server: "", setupPassword: SETUP_PASSWORD };

let running: Device | SetupMode | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
	running?.close();
	running = undefined;
	await receiver?.close();
	receiver = undefined;
	vi.useRealTimers();
});

/** A board whose setup page listens on any free loopback port; `page()` is its address once listening. */
function setupBoard(manifest: { [key: string]: unknown }, onRestart = () => {}) {
	const hostPorts = new Map<number, number>();
	const trace: string[] = [];
	const board = deviceBoard({
		// Two frames a second: an hour of fake time is thousands of frames, not hundreds of thousands.
		port: 8700, manifest, sensorFps: 2, frameRate: 2, otherAccessPoints: [OFFICE], trace: (text) => trace.push(text), onRestart,
		listenOn: () => 0, onListening: (port, hostPort) => hostPorts.set(port, hostPort),
	});
	return { board, trace, page: () => "http://127.0.0.1:" + hostPorts.get(80) + "/", listening: () => hostPorts.has(80) };
}

function post(url: string, fields: { [name: string]: string }): Promise<Response> {
	return fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
}

async function startSetup({ board, listening }: ReturnType<typeof setupBoard>): Promise<SetupMode> {
	const started = await start(board);
	if (!started || !("accessPoint" in started)) throw new Error("expected setup mode");
	running = started;
	await until(listening, "the setup page listening");
	return started;
}

const saved = (board: DeviceBoard) => Object.fromEntries(board.preferences.get("xscamNet") ?? []);

describe("setup mode", () => {
	it("from nothing to streaming: the phone joins the camera's access point, fills the page, and the camera streams to the receiver", async () => {
		const keys = new CameraKeys(undefined);
		const key = keys.add("cam-1");
		receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logger: captureLog().logger, cameraKeys: keys, insecureViewers: true });
		const { ingestPort } = await receiver.start();
		let restarts = 0;
		const rig = setupBoard({ ...NOTHING, key }, () => restarts++);
		const { board, trace, page } = rig;
		const setup = await startSetup(rig);
		expect(setup.accessPoint).toBe("xscam-cam-1");
		expect(board.radio.softAccessPoint).toMatchObject({ ssid: "xscam-cam-1", channel: 1, hidden: false });
		expect(board.radio.joinSoftAccessPoint("xscam-cam-1", "a guess")).toBe(false); // WPA2: the setup password or nothing
		expect(board.radio.joinSoftAccessPoint("xscam-cam-1", SETUP_PASSWORD)).toBe(true);

		await new Promise((resolve) => setTimeout(resolve, SCAN_MS + 100)); // the scan the page lists
		const form = await fetch(page());
		expect(form.status).toBe(200);
		expect(form.headers.get("content-type")).toBe("text/html; charset=utf-8");
		const html = await form.text();
		expect(html).toContain("<li>home <small>-60 dBm</small></li><li>office <small>-70 dBm</small></li>"); // strongest first
		expect(html).toContain("name=port inputmode=numeric maxlength=5 value=\"8700\""); // the manifest's port, to change
		expect(html).not.toContain("placeholder=\"saved"); // no password saved

		const bad = await post(page(), { ssid: "home", password: WIFI.password, server: "127.0.0.1", port: "99999" });
		expect(bad.status).toBe(400);
		expect(await bad.text()).toContain("Not saved: port must be an integer 1..65535, got &quot;99999&quot;");
		expect(saved(board)).toEqual({});

		const good = await post(page(), { ssid: "home", password: WIFI.password, server: "127.0.0.1", port: String(ingestPort) });
		expect(good.status).toBe(200);
		expect(await good.text()).toContain("joins home and streams to 127.0.0.1:" + ingestPort);
		expect(saved(board)).toEqual({ ssid: "home", password: WIFI.password, server: "127.0.0.1", port: String(ingestPort) });
		await until(() => restarts === 1, "the restart into the saved settings");

		setup.close();
		running = await boot(board); // the restart: the saved settings win over the empty manifest
		// This receiver knows cam-1's key and takes no camera that does not prove it holds it.
		await until(() => (receiver!.status("cam-1")?.frames.received ?? 0) >= 3, "frames from the camera set up by its page", 200_000);
		const log = trace.join("");
		expect(log).toContain("xscam: setup: access point \"xscam-cam-1\" is open; its page is http://192.168.4.1/");
		expect(log).toContain("xscam: using the network settings saved on the camera (ssid, password, server, port)");
		expect(log).not.toContain(WIFI.password);
		expect(log).not.toContain(SETUP_PASSWORD);
	}, 60_000); // a real receiver, two starts and a scan: seconds on a loaded machine

	it("never shows a saved password; an empty field keeps it, and 'no password' clears it", async () => {
		const rig = setupBoard({ server: "receiver.local", setupPassword: SETUP_PASSWORD }); // the manifest's home network
		const { board, page } = rig;
		board.preferences.set("xscamSetup", new Map([["requested", true]])); // as the fallback leaves it
		await startSetup(rig);
		const html = await (await fetch(page())).text();
		expect(html).toContain("name=ssid list=networks maxlength=32 value=\"home\"");
		expect(html).toContain("placeholder=\"saved; leave empty to keep it\"");
		expect(html).not.toContain(WIFI.password);

		expect((await post(page(), { ssid: "home", password: "", server: "receiver.local", port: "8700" })).status).toBe(200);
		expect(saved(board)).toMatchObject({ password: WIFI.password });
		expect((await post(page(), { ssid: "cafe", password: "", open: "on", server: "receiver.local", port: "8700" })).status).toBe(200);
		expect(saved(board)).toMatchObject({ ssid: "cafe", password: "" });
	});

	it("answers what it does not serve, and names a form it cannot read", async () => {
		const rig = setupBoard(NOTHING);
		const { board, page } = rig;
		await startSetup(rig);
		expect((await fetch(page() + "favicon.ico")).status).toBe(404);
		expect((await fetch(page(), { method: "DELETE" })).status).toBe(405);
		const garbled = await fetch(page(), { method: "POST", body: "ssid=%E0%A4%A" });
		expect(garbled.status).toBe(400);
		expect(await garbled.text()).toContain("Not saved: the form is not application/x-www-form-urlencoded UTF-8");
		const huge = await post(page(), { ssid: "x".repeat(3000) });
		expect(huge.status).toBe(413);
		expect((await post(page(), { ssid: "home", password: "", server: "", port: "8700" })).status).toBe(400);
		expect(saved(board)).toEqual({});
	});

	it("will not open an access point without a setup password: one line names the key", async () => {
		const trace: string[] = [];
		const board = deviceBoard({ port: 8700, manifest: { ssid: "", server: "" }, trace: (text) => trace.push(text) });
		expect(await start(board)).toBeUndefined();
		expect(trace).toEqual(["xscam: config: setupPassword must be 8 to 63 printable ASCII characters while ssid or server is empty: give them, or a setupPassword for the camera's setup access point\n"]);
		expect(board.radio.softAccessPoint).toBeUndefined();
	});
});

describe("the setup fallback", () => {
	it("a camera that never joined its network restarts into setup mode after setupAfter; the request is taken once", async () => {
		vi.useFakeTimers();
		let restarts = 0;
		const rig = setupBoard({ password: "a wrong password", setupPassword: SETUP_PASSWORD, setupAfter: 60 }, () => restarts++);
		const { board, trace } = rig;
		const device = running = await boot(board);
		await vi.advanceTimersByTimeAsync(59_000);
		expect(restarts).toBe(0);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(restarts).toBe(1);
		expect(trace.join("")).toContain("xscam: restarting: never joined \"home\" and not within 60 s: opening the setup access point");
		device!.close();

		vi.useRealTimers(); // real sockets from here
		const setup = await startSetup(rig);
		expect(setup.accessPoint).toBe("xscam-cam-1");
		setup.close();
		running = await boot(board); // the request was taken: the next start tries its network again
	});

	it("a camera that once joined its network keeps trying it, however long the router is away", async () => {
		vi.useFakeTimers();
		let restarts = 0;
		const { board, trace } = setupBoard({ setupPassword: SETUP_PASSWORD, setupAfter: 60 }, () => restarts++);
		const device = await boot(board);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(board.preferences.get("xscamSetup")?.get("joined")).toBe("home");
		device!.close();

		board.radio.accessPoints[0].inRange = false;
		trace.length = 0;
		running = await boot(board);
		await vi.advanceTimersByTimeAsync(3_600_000);
		expect(restarts).toBe(0);
		const joins = trace.filter((line) => line.startsWith("xscam: wifi joining")).length;
		expect(joins).toBeGreaterThan(50); // an attempt at least every 63 s: the backoff's cap of 60 s, plus 3 s looking for the network
		expect(joins).toBeLessThan(200); // and no busy loop
	});
});
