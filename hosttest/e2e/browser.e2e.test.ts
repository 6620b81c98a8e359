// Headless Chromium, a client nobody here wrote, opens the web page: every camera live, frames that
// change, stats that fill in, and a control that reaches the camera and shows its answer.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELLO_FLAG_AUTH, HELLO_FLAG_CAPABILITIES, HELLO_FLAG_UPDATES } from "../../src/protocol/constants";
import type { Receiver } from "../../server/receiver";
import { FirmwareStore } from "../../server/update/firmware-store";
import { E2E_USER, feed, OUTPUT_DIR, startE2eReceiver } from "./feed";
import type { Feed } from "./feed";

const CHROMIUM = process.env.XSCAM_CHROMIUM ?? "/usr/bin/chromium";
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync"];

let receiver: Receiver;
let base: string;
let cameras: Feed[] = [];
let browser: Browser;
let page: Page;

beforeAll(async () => {
	const firmwareDir = mkdtempSync(join(tmpdir(), "xscam-e2e-firmware-"));
	writeFileSync(join(firmwareDir, "image.bin"), Buffer.alloc(50_000, 0xe9));
	new FirmwareStore(firmwareDir).add(join(firmwareDir, "image.bin"), "test", "0.3.0");
	const started = await startE2eReceiver({ firmwareDir });
	({ receiver, base } = started);
	cameras = [
		await feed(started.ingestPort, "porch", { width: 640, height: 480, fps: 8 }),
		await feed(started.ingestPort, "garage", { width: 320, height: 240, fps: 10, hello: { flags: HELLO_FLAG_AUTH | HELLO_FLAG_CAPABILITIES | HELLO_FLAG_UPDATES } }),
	];
	cameras[0].camera.answerControls((settings) => {
		const { frameSize, ...now } = settings;
		return { applied: now, pending: frameSize === undefined ? {} : { frameSize } };
	});
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
	page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
	// the one-time link logs the browser in and lands on the page; "load" may never come: an MJPEG image never finishes
	await page.goto(started.loginLink(), { waitUntil: "domcontentloaded" });
	expect(page.url()).toBe(base + "/");
});

afterAll(async () => {
	await browser?.close();
	await Promise.all(cameras.map((camera) => camera.stop()));
	await receiver?.close();
});

const picture = (id: string) => page.locator('article[data-camera="' + id + '"] img.picture');

/** The image's decoded size; DOM types are not in this project's Node configuration. */
const naturalSize = (id: string) =>
	picture(id).evaluate((image) => [(image as unknown as { naturalWidth: number }).naturalWidth, (image as unknown as { naturalHeight: number }).naturalHeight]);

describe("the live page in Chromium", () => {
	it("shows every camera live, from its MJPEG stream", async () => {
		for (const [id, width, height] of [["porch", 640, 480], ["garage", 320, 240]] as const) {
			await page.waitForFunction("(document.querySelector('article[data-camera=\"" + id + "\"] img.picture')?.naturalWidth ?? 0) > 0");
			expect(await naturalSize(id)).toEqual([width, height]);
			expect(await picture(id).getAttribute("src")).toBe("/cameras/" + id + "/stream.mjpeg");
		}
		await expect.poll(() => receiver.status("porch")!.viewers).toBe(1);
	});

	it("shows frames that change: two screenshots of the image differ", async () => {
		const first = await picture("porch").screenshot();
		// The box moves across in 2 s, and the caption's clock changes; on a loaded machine Chromium may
		// paint a new frame later than that, so look again until it has (expect.poll's 10 s at most).
		await expect.poll(async () => first.equals(await picture("porch").screenshot()), { interval: 300, timeout: 10_000 }).toBe(false);
	});

	it("fills in the camera's stats from the JSON status", async () => {
		const stats = page.locator('article[data-camera="porch"] .stats');
		await expect.poll(() => stats.innerText()).toContain("640×480");
		await expect.poll(() => stats.innerText()).toMatch(/Wi-Fi signal\s+-58 dBm/);
		await expect.poll(async () => Number(/frame rate\s+([\d.]+) fps/.exec(await stats.innerText())?.[1] ?? 0)).toBeGreaterThan(4);
		await expect.poll(() => page.locator('article[data-camera="porch"] .badge').innerText()).toBe("online");
	});

	it("sends a control to the camera through the protocol and shows the answer", async () => {
		const card = page.locator('article[data-camera="porch"]');
		await card.locator("details.controls summary").click();
		await card.locator("#porch-brightness").fill("1");
		await card.locator("#porch-frameSize").selectOption("VGA");
		await card.locator("details.controls button[type=submit]").click();
		const answer = card.locator("details.controls .answer");
		await expect.poll(() => answer.innerText()).toContain("applied: brightness = 1");
		expect(await answer.innerText()).toContain("at next start: frameSize = VGA");
		const control = cameras[0].camera.received.find((message) => message.type === "control");
		expect(control).toMatchObject({ settings: { brightness: 1, frameSize: "VGA" } });
	});

	it("offers a camera that takes updates the receiver's images of its board, and shows how the update went", async () => {
		const card = page.locator('article[data-camera="garage"]');
		expect(await page.locator('article[data-camera="porch"] details.firmware').isHidden()).toBe(true); // porch takes no updates
		await card.locator("details.firmware summary").click();
		await expect.poll(() => card.locator("details.firmware option").allInnerTexts()).toEqual(["0.3.0 (49 KiB)"]);
		await card.locator("details.firmware button[type=submit]").click();
		const offer = await cameras[1].camera.take("updateOffer");
		expect(offer).toMatchObject({ version: "0.3.0", size: 50_000 });
		cameras[1].camera.send({ type: "updateStatus", state: "failed", offset: 0, reason: "no room" });
		await expect.poll(() => card.locator("details.firmware .progress").innerText()).toBe("0.3.0: failed: the camera refused it: no room");
		await card.locator("details.firmware summary").click();
	});

	it("sends a browser without a session to the login page, and logs it in there", async () => {
		const context = await browser.newContext();
		const fresh = await context.newPage();
		await fresh.goto(base + "/", { waitUntil: "domcontentloaded" });
		expect(new URL(fresh.url()).pathname).toBe("/login");
		await fresh.locator("#name").fill(E2E_USER.name);
		await fresh.locator("#password").fill("wrong password");
		await fresh.locator("button[type=submit]").click();
		await fresh.waitForURL(/failed=1/);
		expect(await fresh.locator("#failed").isVisible()).toBe(true);
		await fresh.locator("#name").fill(E2E_USER.name);
		await fresh.locator("#password").fill(E2E_USER.password);
		await fresh.locator("button[type=submit]").click();
		await fresh.waitForURL(base + "/");
		await fresh.waitForFunction("(document.querySelector('article[data-camera=\"porch\"] img.picture')?.naturalWidth ?? 0) > 0");
		await context.close();
	});

	it("saves a screenshot of the live page for the docs", async () => {
		await page.locator('article[data-camera="porch"] details.controls summary').click(); // fold the panel again: the pictures are the point
		await page.waitForTimeout(300);
		const path = join(OUTPUT_DIR, "live-view.png");
		writeFileSync(path, await page.screenshot({ fullPage: true }));
		expect(path).toMatch(/live-view\.png$/);
	});
});
