// The setup page's form and HTML (src/setup/setup-form.ts): what a browser posts, what a password
// field left empty means, and names from the air (a neighbour's network) escaped, never markup.

import { describe, expect, it } from "vitest";
import { formOverrides, parseForm, setupPage } from "../../src/setup/setup-form";

describe("the setup form", () => {
	it("parses what a browser posts: + and %-escapes, UTF-8, empty and bare fields", () => {
		expect(parseForm("ssid=caf%C3%A9+wifi&password=a%26b%3Dc&open&port=")).toEqual({ ssid: "café wifi", password: "a&b=c", open: "", port: "" });
		expect(parseForm("")).toEqual({});
		expect(parseForm("ssid=%E0%A4%A")).toBeUndefined();
	});

	it("keeps the current password for an empty field, clears it for an open network, and trims names", () => {
		const fields = { ssid: " home ", password: "", server: " receiver.local ", port: " 8700 " };
		expect(formOverrides(fields, "saved secret")).toEqual({ ssid: "home", password: "saved secret", server: "receiver.local", port: "8700" });
		expect(formOverrides({ ...fields, password: "new secret" }, "saved secret").password).toBe("new secret");
		expect(formOverrides({ ...fields, open: "on" }, "saved secret").password).toBe("");
	});

	it("escapes every name it shows: a network called <script> is text", () => {
		const html = setupPage({
			id: "cam-1", ssid: "\"><script>alert(1)</script>", server: "", port: 8700, hasPassword: false,
			networks: [{ ssid: "<img src=x onerror=alert(1)>", rssi: -50, authentication: "none" }],
		});
		expect(html).not.toContain("<script>");
		expect(html).not.toContain("<img");
		expect(html).toContain("<li>&lt;img src=x onerror=alert(1)&gt; <small>-50 dBm, open</small></li>");
		expect(html).toContain("value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
	});
});
