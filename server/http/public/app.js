// The live view: one card per camera with its MJPEG stream, its stats (polled from /api/cameras) and a
// control panel built from what that camera announced (/api/cameras/<id>/controls), fetched again when
// it reconnects, since new firmware may offer other settings, and a firmware panel offering the images the
// receiver holds for its board, with the update's progress. Plain JS, no build step, no dependencies.
//
// A browser opens at most six HTTP/1.1 connections to one host, and each live MJPEG stream holds one for
// good; so at most MAX_LIVE cameras stream at once and the others show a snapshot refreshed with the
// stats, with a button to watch one live instead. That leaves connections for the stats and controls.

const MAX_LIVE = 4;
const POLL_MS = 1000;
const RETRY_STREAM_MS = 3000;

const cards = new Map(); // camera id -> { root, picture, ... }
const live = []; // ids streaming now, oldest first

const $ = (root, selector) => root.querySelector(selector);
const path = (id, rest) => "/cameras/" + encodeURIComponent(id) + rest;

function formatDuration(seconds) {
	if (seconds === null || seconds === undefined) return "–";
	const d = Math.floor(seconds / 86400), h = Math.floor((seconds % 86400) / 3600), m = Math.floor((seconds % 3600) / 60);
	if (d > 0) return d + "d " + h + "h";
	if (h > 0) return h + "h " + String(m).padStart(2, "0") + "m";
	return m + "m " + String(Math.floor(seconds % 60)).padStart(2, "0") + "s";
}

const orDash = (value, format = String) => (value === null || value === undefined ? "–" : format(value));

function statsOf(camera) {
	return [
		["resolution", camera.width + "×" + camera.height],
		["frame rate", camera.fps.toFixed(1) + " fps"],
		["bit rate", Math.round(camera.kbps) + " kbit/s"],
		["last frame", orDash(camera.lastFrameAgeMs, (ms) => (ms / 1000).toFixed(1) + " s ago")],
		["latency", orDash(camera.latencyMs, (ms) => ms + " ms")],
		["lost on the way", String(camera.frames.lost)],
		["dropped on device", orDash(camera.frames.droppedOnDevice)],
		["bad frames", String(camera.frames.bad)],
		["Wi-Fi signal", orDash(camera.rssi, (dbm) => dbm + " dBm")],
		["uptime", formatDuration(camera.uptime)],
		["reconnects", String(camera.reconnects)],
		["free heap", orDash(camera.freeHeap, (bytes) => Math.round(bytes / 1024) + " KiB")],
		["viewers", String(camera.viewers)],
		["firmware", camera.firmware + " (" + camera.board + ")"],
		["recording", camera.recording.state + (camera.recording.error ? ": " + camera.recording.error : "")],
	];
}

function showStats(card, camera) {
	const list = card.stats;
	const rows = statsOf(camera);
	if (list.children.length !== rows.length) {
		list.replaceChildren(...rows.map(() => {
			const row = document.createElement("div");
			row.append(document.createElement("dt"), document.createElement("dd"));
			return row;
		}));
	}
	rows.forEach(([name, value], i) => {
		const [dt, dd] = list.children[i].children;
		dt.textContent = name;
		dd.textContent = value;
	});
}

/** Streams the camera, or shows its snapshot when MAX_LIVE others stream already. */
function setLive(id, wanted) {
	const at = live.indexOf(id);
	if (wanted && at === -1) {
		live.push(id);
		if (live.length > MAX_LIVE) setLive(live[0], false);
	}
	if (!wanted && at !== -1) live.splice(at, 1);
	const card = cards.get(id);
	card.watch.hidden = wanted;
	card.picture.src = wanted ? path(id, "/stream.mjpeg") : path(id, "/snapshot.jpg?t=" + Date.now());
}

function field(rule, card) {
	const label = document.createElement("label");
	label.textContent = rule.label + (rule.applies === "now" ? "" : " (next start)");
	let input;
	if (rule.kind === "choice" || rule.names) {
		input = document.createElement("select");
		const choices = rule.choices ?? rule.names.map((name, i) => [String(rule.min + i), name]);
		input.append(new Option("(unchanged)", ""), ...choices.map((choice) => (Array.isArray(choice) ? new Option(choice[1], choice[0]) : new Option(choice, choice))));
	}
	else {
		input = document.createElement("input");
		input.type = rule.kind === "integer" ? "range" : "number";
		Object.assign(input, { min: rule.min, max: rule.max, step: rule.step });
		input.value = rule.kind === "integer" ? String(Math.max(rule.min, Math.min(rule.max, 0))) : "";
		if (rule.kind === "number") input.placeholder = "(unchanged)";
	}
	input.name = rule.key;
	input.id = card.id + "-" + rule.key;
	label.htmlFor = input.id;
	const value = document.createElement("span");
	value.className = "value";
	value.textContent = input.type === "range" ? "–" : "";
	input.addEventListener("input", () => {
		input.dataset.touched = input.value === "" ? "" : "yes";
		value.textContent = input.type === "range" ? input.value : "";
		value.classList.toggle("touched", input.dataset.touched === "yes");
	});
	return [label, input, value];
}

function answerLines(answer) {
	const lines = [];
	const list = (object) => Object.entries(object).map(([key, value]) => key + " = " + value).join(", ");
	if (Object.keys(answer.applied).length) lines.push(["applied", "applied: " + list(answer.applied)]);
	const { restart, ...stored } = answer.pending;
	if (Object.keys(stored).length) lines.push(["pending", "at next start: " + list(stored)]);
	if (restart !== undefined) lines.push(["pending", "restarting now"]);
	for (const [key, reason] of Object.entries(answer.refused)) lines.push(["refused", "refused " + key + ": " + reason]);
	return lines;
}

function showAnswer(output, lines) {
	output.replaceChildren(...lines.map(([kind, text]) => {
		const line = document.createElement("span");
		line.className = kind;
		line.textContent = text + "\n";
		return line;
	}));
}

async function sendControl(card, form) {
	const settings = {};
	for (const input of form.querySelectorAll("[data-touched=yes]")) {
		const rule = card.rules.find((candidate) => candidate.key === input.name);
		settings[input.name] = rule.kind === "choice" ? input.value : Number(input.value);
	}
	const output = $(form, ".answer");
	if (Object.keys(settings).length === 0) {
		showAnswer(output, [["error", "Change a setting first."]]);
		return;
	}
	showAnswer(output, [["pending", "sending…"]]);
	try {
		const response = await fetch("/api/cameras/" + encodeURIComponent(card.id) + "/control", {
			method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settings),
		});
		const body = await response.json();
		showAnswer(output, response.ok ? answerLines(body) : [["error", body.message ?? response.statusText]]);
	}
	catch (error) {
		showAnswer(output, [["error", "The receiver did not answer: " + error.message]]);
	}
}

async function moveCamera(card, form, settings) {
	const output = $(form, ".answer");
	if (Object.keys(settings).length === 0) {
		showAnswer(output, [["error", "Fill in what changes first."]]);
		return;
	}
	showAnswer(output, [["pending", "sending…"]]);
	try {
		const response = await fetch("/api/cameras/" + encodeURIComponent(card.id) + "/move", {
			method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(settings),
		});
		const body = await response.json();
		if (!response.ok) showAnswer(output, [["error", body.message ?? response.statusText]]);
		else showAnswer(output, answerLines(body).map(([kind, text]) => [kind, kind === "pending" ? text.replace("at next start", "trying") : text]));
	}
	catch (error) {
		showAnswer(output, [["error", "The receiver did not answer: " + error.message]]);
	}
}

/** The panel of what the camera announced; a camera that announced nothing has no panel. */
async function loadControls(card, connections) {
	card.connections = connections;
	const { controls } = await (await fetch("/api/cameras/" + encodeURIComponent(card.id) + "/controls")).json();
	// a move has its own form (moveCamera)
	card.rules = (controls ?? []).filter((rule) => rule.applies !== "after a trial");
	card.moves = (controls ?? []).filter((rule) => rule.applies === "after a trial").map((rule) => rule.key);
	const form = $(card.root, "details.controls form");
	$(form, ".fields").replaceChildren(...card.rules.flatMap((rule) => field(rule, card)));
	$(card.root, "details.controls").hidden = card.rules.length === 0;
	const move = $(card.root, "details.move");
	move.hidden = card.moves.length === 0;
	for (const input of move.querySelectorAll("input")) input.hidden = input.previousElementSibling.hidden = !card.moves.includes(input.name);
}

const PHASES = { sending: "sending", restarting: "verified by the camera; restarting into it", done: "done: the camera runs it", failed: "failed" };

/** The update's progress in words, e.g. "0.3.0: sending 48 %". */
function progressOf(update) {
	const percent = update.phase === "sending" ? " " + Math.floor((100 * update.written) / update.size) + " %" : "";
	return update.version + ": " + PHASES[update.phase] + percent + (update.reason ? ": " + update.reason : "");
}

/** The images of the camera's board, other than what it runs; no panel for a camera that takes no updates. */
function showFirmware(card, camera, images) {
	const panel = $(card.root, "details.firmware");
	const offers = images.filter((image) => image.board === camera.board && image.version !== camera.firmware);
	panel.hidden = !camera.updatable || (offers.length === 0 && camera.update === null);
	const select = $(panel, "select");
	const versions = offers.map((image) => image.version);
	if (select.dataset.versions !== versions.join("\n")) {
		select.dataset.versions = versions.join("\n");
		select.replaceChildren(...offers.map((image) => new Option(image.version + " (" + Math.round(image.size / 1024) + " KiB)", image.version)));
	}
	$(panel, "button").disabled = offers.length === 0 || camera.update?.phase === "sending" || !camera.online;
	if (camera.update) $(panel, ".progress").textContent = progressOf(camera.update);
}

async function sendUpdate(card, form) {
	const output = $(form, ".progress");
	output.textContent = "offering…";
	try {
		const response = await fetch("/api/cameras/" + encodeURIComponent(card.id) + "/update", {
			method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ version: form.elements.version.value }),
		});
		const body = await response.json();
		output.textContent = response.ok ? progressOf(body.update) : body.message ?? response.statusText;
	}
	catch (error) {
		output.textContent = "The receiver did not answer: " + error.message;
	}
}

function createCard(id) {
	const root = document.getElementById("camera-card").content.firstElementChild.cloneNode(true);
	const card = { id, root, picture: $(root, ".picture"), watch: $(root, ".watch"), stats: $(root, ".stats"), badge: $(root, ".badge"), rules: [] };
	root.dataset.camera = id;
	$(root, ".name").textContent = id;
	card.picture.alt = "camera " + id;
	$(root, ".stream").href = path(id, "/stream.mjpeg");
	$(root, ".snapshot").href = path(id, "/snapshot.jpg");
	$(root, ".json").href = "/api/cameras/" + encodeURIComponent(id);
	$(root, "details.controls").hidden = true; // until the camera has said what it takes
	const moveForm = $(root, "details.move form");
	for (const input of moveForm.querySelectorAll("input")) {
		input.id = id + "-move-" + input.name;
		input.previousElementSibling.htmlFor = input.id;
	}
	moveForm.addEventListener("submit", (event) => {
		event.preventDefault();
		const settings = {};
		for (const input of moveForm.querySelectorAll("input")) {
			if (input.value !== "") settings[input.name] = input.type === "number" ? Number(input.value) : input.value;
		}
		$(moveForm, "input[name=password]").value = ""; // not kept on the page either
		moveCamera(card, moveForm, settings);
	});
	$(moveForm, ".reset").addEventListener("click", () => moveCamera(card, moveForm, { networkFrom: "manifest" }));
	const form = $(root, "details.controls form");
	form.addEventListener("submit", (event) => {
		event.preventDefault();
		sendControl(card, form);
	});
	const update = $(root, "details.firmware form");
	update.addEventListener("submit", (event) => {
		event.preventDefault();
		sendUpdate(card, update);
	});
	card.watch.addEventListener("click", () => setLive(id, true));
	// A stream breaks when the receiver restarts; try again rather than show a broken image for good.
	card.picture.addEventListener("error", () => {
		if (live.includes(id)) setTimeout(() => live.includes(id) && setLive(id, true), RETRY_STREAM_MS);
	});
	cards.set(id, card);
	document.getElementById("cameras").append(root);
	setLive(id, live.length < MAX_LIVE);
	return card;
}

async function poll() {
	try {
		const response = await fetch("/api/cameras");
		if (response.status === 401) {
			location.assign("/login?next=%2F"); // the session ended (the receiver restarted, or it expired)
			return;
		}
		const { cameras } = await response.json();
		const images = cameras.some((camera) => camera.updatable) ? (await (await fetch("/api/firmware")).json()).images : [];
		const online = cameras.filter((camera) => camera.online).length;
		document.getElementById("summary").textContent = cameras.length + " camera" + (cameras.length === 1 ? "" : "s") + ", " + online + " online";
		document.getElementById("empty").hidden = cameras.length > 0;
		for (const camera of cameras) {
			const card = cards.get(camera.id) ?? createCard(camera.id);
			// what the camera announced, and again after it reconnects (new firmware may offer other settings, or none)
			if (card.connections !== camera.reconnects || (camera.described && card.rules.length === 0)) await loadControls(card, camera.reconnects);
			card.badge.textContent = camera.online ? "online" : "offline";
			card.badge.className = "badge " + (camera.online ? "online" : "offline");
			showStats(card, camera);
			showFirmware(card, camera, images);
			if (!live.includes(camera.id) && camera.lastFrameAgeMs !== null) card.picture.src = path(camera.id, "/snapshot.jpg?t=" + Date.now());
		}
	}
	catch {
		document.getElementById("summary").textContent = "the receiver is not answering; retrying…";
	}
	setTimeout(poll, POLL_MS);
}

poll();
