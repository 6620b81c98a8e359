// The setup page's HTML and the form it posts: what a phone joined to the camera's access point sees
// (setup/setup-mode.ts serves it). Plain HTML with no script, so it works on any phone's browser. The
// page shows the network name, the receiver and its port as they are; never a password, only whether
// one is saved.

import type { NetworkOverrides } from "../app/saved-settings";

/** A network the scan found. */
export interface FoundNetwork {
	ssid: string;
	rssi: number;
	/** "none" for an open network, else the SDK's authentication name ("wpa2_psk", …). */
	authentication: string;
}

export interface SetupView {
	/** The camera's id, as its access point and the receiver name it. */
	id: string;
	ssid: string;
	server: string;
	port: number | string;
	/** A password is saved for `ssid` (it is kept when the field is left empty). */
	hasPassword: boolean;
	networks: FoundNetwork[];
	/** What the last post got wrong, or undefined. */
	problem?: string;
}

/** The fields of a posted form, as the browser sent them. */
export type FormFields = { [name: string]: string };

/** Parses application/x-www-form-urlencoded; undefined when it is not (a bad %-escape). */
export function parseForm(body: string): FormFields | undefined {
	const fields: FormFields = {};
	for (const pair of body.split("&")) {
		if (pair === "") continue;
		const equals = pair.indexOf("=");
		const name = equals < 0 ? pair : pair.slice(0, equals);
		const value = equals < 0 ? "" : pair.slice(equals + 1);
		try {
			fields[decode(name)] = decode(value);
		}
		catch {
			return undefined; // decodeURIComponent's URIError
		}
	}
	return fields;
}

function decode(text: string): string {
	return decodeURIComponent(text.replace(/\+/g, " "));
}

/**
 * The network settings a form asks for. The password field left empty keeps `currentPassword`, unless
 * "open" is ticked (a network without a password). The port stays text: readSettings checks it.
 */
export function formOverrides(fields: FormFields, currentPassword: string): NetworkOverrides {
	const open = fields.open === "on";
	const password = fields.password ?? "";
	return {
		ssid: (fields.ssid ?? "").trim(),
		password: open ? "" : password === "" ? currentPassword : password,
		server: (fields.server ?? "").trim(),
		port: (fields.port ?? "").trim(),
	};
}

export function setupPage(view: SetupView): string {
	const networks = view.networks.map((network) =>
		"<li>" + escape(network.ssid) + " <small>" + network.rssi + " dBm" + (network.authentication === "none" ? ", open" : "") + "</small></li>").join("");
	const options = view.networks.map((network) => "<option value=\"" + escape(network.ssid) + "\">").join("");
	return page("xscam " + escape(view.id) + ": setup",
		(view.problem ? "<p class=problem>Not saved: " + escape(view.problem) + "</p>" : "") +
		"<form method=post action=/>" +
		"<label>Wi-Fi network <input name=ssid list=networks maxlength=32 value=\"" + escape(view.ssid) + "\"></label>" +
		"<datalist id=networks>" + options + "</datalist>" +
		"<label>Password <input name=password type=password maxlength=64 autocomplete=off placeholder=\"" +
		(view.hasPassword ? "saved; leave empty to keep it" : "") + "\"></label>" +
		"<label><input name=open type=checkbox> the network has no password</label>" +
		"<label>Receiver (host name or IPv4 address) <input name=server maxlength=253 value=\"" + escape(view.server) + "\"></label>" +
		"<label>Receiver port <input name=port inputmode=numeric maxlength=5 value=\"" + escape(String(view.port)) + "\"></label>" +
		"<button>Save and join</button></form>" +
		"<h2>Networks in range</h2><ul>" + (networks || "<li>none found yet</li>") + "</ul><p><a href=\"/?scan\">Scan again</a></p>");
}

export function savedPage(id: string, ssid: string, receiver: string): string {
	return page("xscam " + escape(id) + ": saved",
		"<p>Saved. The camera restarts, joins " + escape(ssid) + " and streams to " + escape(receiver) +
		". This access point closes; if the camera cannot join, it opens again in a few minutes.</p>");
}

function page(title: string, body: string): string {
	return "<!doctype html><html><head><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>" + title +
		"</title><style>body{font:16px sans-serif;margin:1em;max-width:30em}label{display:block;margin:.6em 0}" +
		"input:not([type=checkbox]){display:block;width:100%;font:inherit}.problem{color:#b00}</style></head><body><h1>" + title +
		"</h1>" + body + "</body></html>";
}

const ESCAPES: { [character: string]: string } = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

function escape(text: string): string {
	return text.replace(/[&<>"']/g, (character) => ESCAPES[character]);
}
