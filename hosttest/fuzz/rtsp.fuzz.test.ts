// The RTSP port of a receiver that requires credentials (its default), fuzzed while a camera streams:
// sequences of requests with any method, URL, CSeq, Session, Transport and credentials (a real token
// among them), interleaved frames between them, and the same bytes mutated. Every answer is an RTSP
// status line (never a 500), no RTP leaves without the view token, and afterwards the receiver serves a
// real client as before. A crash in a socket's handler would fail the run.
import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { FakeCamera } from "../server/helpers/fake-camera";
import { startReceiver, until } from "../server/helpers/harness";
import type { Harness } from "../server/helpers/harness";
import { RtspClient, syntheticRtpJpeg } from "../server/helpers/rtsp-client";
import { mutate, mutation, runs, type Mutation } from "./arbitraries";

let harness: Harness;
let camera: FakeCamera;
let viewToken: string;
let controlOnly: string;
let timer: NodeJS.Timeout;
beforeAll(async () => {
	const access = new ViewerAccess(undefined);
	viewToken = access.addToken("nvr", ["view"]);
	controlOnly = access.addToken("switch", ["control"]);
	harness = await startReceiver({ insecureViewers: false, viewerAccess: access });
	camera = (await FakeCamera.online(harness.ingestPort, "porch")).camera;
	camera.frame(syntheticRtpJpeg(3000), { captureTime: harness.clock.now() });
	await until(() => harness.receiver.status("porch")?.frames.received === 1, "a frame");
	timer = setInterval(() => camera.frame(syntheticRtpJpeg(3000), { captureTime: harness.clock.now() }), 50);
});
afterAll(async () => {
	clearInterval(timer);
	await camera?.close();
	await harness?.close();
});

const basic = (token: string) => "Basic " + Buffer.from("nvr:" + token).toString("base64");
/** A header value as a client may send it: no CR or LF (those make other lines, which the mutations cover). */
const text = (maxLength: number) => fc.string({ maxLength }).map((value) => value.replace(/[\r\n]/g, ""));

/** Made once the ports and tokens exist. */
function requests() {
	const base = "rtsp://127.0.0.1:" + harness.rtspPort;
	const url = fc.oneof(
		fc.constantFrom("*", base + "/porch", base + "/porch/", base + "/porch/track1", base + "/nobody", base + "/porch/track1/x", base + "/%zz",
			"rtsp://nvr:" + viewToken + "@127.0.0.1/porch", "not a url", base),
		fc.webUrl().map((address) => address.replace(/^https?/, "rtsp")),
	);
	const transport = fc.oneof(
		fc.constantFrom("RTP/AVP/TCP;unicast;interleaved=0-1", "RTP/AVP/TCP;interleaved=254-255", "RTP/AVP/TCP;interleaved=300-301",
			"RTP/AVP;unicast;client_port=40000-40001", "RTP/AVP;unicast;client_port=0", "RTP/AVP;multicast", "RTP/AVP;unicast;destination=10.1.2.3;client_port=5000-5001",
			"RTP/AVP/TCP;mode=record", "RTP/AVP;unicast;client_port=9-99999", ""),
		text(80),
	);
	const credentials = fc.constantFrom(undefined, basic(viewToken), basic(controlOnly), basic("wrong"), "Basic !!!", "Digest username=\"x\"", "Bearer " + viewToken);
	const request = fc.record({
		method: fc.constantFrom("OPTIONS", "DESCRIBE", "SETUP", "PLAY", "PAUSE", "TEARDOWN", "GET_PARAMETER", "SET_PARAMETER", "RECORD", "ANNOUNCE", "GET", "play"),
		url,
		version: fc.constantFrom("RTSP/1.0", "RTSP/1.0", "RTSP/1.0", "RTSP/2.0", "HTTP/1.1"),
		cseq: fc.oneof(fc.nat().map(String), fc.constant(undefined), text(12)),
		session: fc.option(fc.oneof(fc.stringMatching(/^[0-9a-f]{16}$/), text(30))),
		transport: fc.option(transport),
		authorization: credentials,
		body: fc.option(text(200)),
	}).map(({ method, url, version, cseq, session, transport, authorization, body }) => {
		const lines = [method + " " + url + " " + version];
		if (cseq !== undefined) lines.push("CSeq: " + cseq);
		if (session !== null) lines.push("Session: " + session);
		if (transport !== null) lines.push("Transport: " + transport);
		if (authorization !== undefined) lines.push("Authorization: " + authorization);
		if (body !== null) lines.push("Content-Length: " + Buffer.byteLength(body, "latin1"));
		return { bytes: Buffer.from(lines.join("\r\n") + "\r\n\r\n" + (body ?? ""), "latin1"), viewing: authorization === basic(viewToken) };
	});
	const interleaved = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }))
		.map(([channel, data]) => ({ bytes: Buffer.concat([Buffer.of(0x24, channel, data.length >> 8, data.length & 0xff), data]), viewing: false }));
	return fc.record({ parts: fc.array(fc.oneof(request, request, interleaved), { minLength: 1, maxLength: 5 }), mutations: fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutation, { maxLength: 4 })) })
		.map(({ parts, mutations }) => ({
			bytes: Buffer.from(mutate(Buffer.concat(parts.map((part) => part.bytes)), mutations)),
			viewing: parts.some((part) => part.viewing),
		}));
}

/** Writes `bytes`, half-closes, and resolves with everything the receiver sent back until it closed (or 64 KB: enough of a stream). */
function exchange(bytes: Buffer): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let length = 0;
		const socket = connect(harness.rtspPort, "127.0.0.1", () => socket.end(bytes));
		socket.on("data", (chunk: Buffer) => {
			chunks.push(chunk);
			length += chunk.length;
			if (length > 65_536) socket.destroy();
		});
		socket.on("error", () => {}); // a reset after a refusal is an answer too
		socket.on("close", () => resolve(Buffer.concat(chunks)));
		setTimeout(() => reject(new Error("no close within 10 s")), 10_000).unref();
	});
}

/** The answers' status codes, and whether any RTP came, reading the bytes as a client would. */
function answers(bytes: Buffer): { statuses: number[]; rtp: boolean } {
	const statuses: number[] = [];
	let rtp = false;
	for (let at = 0; at < bytes.length;) {
		if (bytes[at] === 0x24) {
			rtp ||= bytes[at + 1] % 2 === 0;
			at += 4 + (bytes.length >= at + 4 ? bytes.readUInt16BE(at + 2) : 0);
			continue;
		}
		const end = bytes.indexOf("\r\n\r\n", at);
		const head = bytes.subarray(at, end < 0 ? bytes.length : end).toString("latin1");
		const match = /^RTSP\/1\.0 (\d{3}) [^\r\n]+/.exec(head);
		expect(match, "not an RTSP answer: " + JSON.stringify(head.slice(0, 80))).not.toBeNull();
		statuses.push(Number(match![1]));
		if (end < 0) break;
		const length = /\r\nContent-Length: (\d+)/i.exec(head);
		at = end + 4 + (length ? Number(length[1]) : 0);
	}
	return { statuses, rtp };
}

it("answers anything with RTSP status lines, never a 500, sends no RTP without the view token, and serves as before", async () => {
	await fc.assert(fc.asyncProperty(requests(), async ({ bytes, viewing }) => {
		const { statuses, rtp } = answers(await exchange(bytes));
		expect(statuses).not.toContain(500);
		if (!viewing) expect(rtp, "RTP without the view token").toBe(false);
	}), { numRuns: runs(120, 0.003) });

	expect(harness.receiver.status("porch")!.online).toBe(true);
	const client = await RtspClient.open(harness.rtspPort);
	await client.play("rtsp://127.0.0.1:" + harness.rtspPort + "/porch", { Authorization: basic(viewToken) });
	await until(() => client.frames().length > 0, "a frame for a real client");
	await client.close();
}, 600_000);
