// RTSP on the receiver, from a client's side of real TCP and UDP: the methods real clients send, what
// each answers, RTP/JPEG packets stamped from the frames' capture times, sender reports, tokens, and
// every refusal with its status code; a slow client skips frames and is dropped without delaying
// another; garbage closes only its own connection. Real clients (ffmpeg, GStreamer) are in the e2e tests.

import { createSocket } from "node:dgram";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ViewerAccess } from "../../server/auth/viewer-access";
import { RtpStream } from "../../server/rtsp/rtp-stream";
import { FakeCamera } from "./helpers/fake-camera";
import { SECOND_PER_FRAME, startReceiver, until, WARN, type Harness } from "./helpers/harness";
import { parseRtp, RtspClient, syntheticRtpJpeg, type RtpPacket } from "./helpers/rtsp-client";

let harness: Harness;
afterEach(async () => {
	await harness?.close();
	expect(harness.clock.pending, "timers left after close").toBe(0);
});

const url = (path = "cam") => "rtsp://127.0.0.1:" + harness.rtspPort + "/" + path;
const basic = (token: string, user = "nvr") => ({ Authorization: "Basic " + Buffer.from(user + ":" + token).toString("base64") });

async function withCamera(options: Parameters<typeof startReceiver>[0] = {}) {
	harness = await startReceiver(options);
	const { camera } = await FakeCamera.online(harness.ingestPort, "cam");
	return camera;
}

/** Sends frames stamped on the receiver's clock until `client` has `count` whole frames. */
async function stream(camera: FakeCamera, client: RtspClient, count: number, size = 5000): Promise<RtpPacket[][]> {
	for (let n = 0; client.frames().length < count; n++) {
		expect(n, "frames sent").toBeLessThan(count * 20);
		camera.frame(syntheticRtpJpeg(size, (n % 200) + 1), { captureTime: harness.clock.now() + n * 100 });
		await until(() => harness.receiver.status("cam")!.frames.received > n, "frame " + n + " at the receiver");
		await new Promise((resolve) => setImmediate(resolve));
	}
	return client.frames();
}

describe("the methods", () => {
	it("OPTIONS lists them; DESCRIBE answers SDP for JPEG on payload type 26, with the base URL of the camera", async () => {
		await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		const options = await client.request("OPTIONS", "*");
		expect(options.status).toBe(200);
		expect(options.headers.get("public")).toBe("OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER");
		expect(options.headers.get("cseq")).toBe("1");
		const describe = await client.request("DESCRIBE", url(), { Accept: "application/sdp" });
		expect(describe.status).toBe(200);
		expect(describe.headers.get("content-type")).toBe("application/sdp");
		expect(describe.headers.get("content-base")).toBe(url() + "/");
		expect(describe.body).toMatch(/^v=0\r\n/);
		expect(describe.body).toContain("\r\nm=video 0 RTP/AVP 26\r\na=rtpmap:26 JPEG/90000\r\na=control:track1\r\n");
		await client.close();
	});

	it("SETUP, PLAY over the connection: every frame as RTP/JPEG, the marker on its last packet, 90 kHz stamps from capture times", async () => {
		const camera = await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		const setup = await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP/TCP;unicast;interleaved=4-5" });
		expect(setup.status).toBe(200);
		expect(setup.headers.get("transport")).toMatch(/^RTP\/AVP\/TCP;unicast;interleaved=4-5;ssrc=[0-9A-F]{8}$/);
		const [session, timeout] = setup.headers.get("session")!.split(";");
		expect(timeout).toBe("timeout=60");
		const play = await client.request("PLAY", url(), { Session: session });
		expect(play.status).toBe(200);
		expect(play.headers.get("rtp-info")).toMatch(new RegExp("^url=" + url() + "/track1;seq=\\d+$"));
		const frames = await stream(camera, client, 3, 5000);
		const ssrc = parseInt(setup.headers.get("transport")!.split("ssrc=")[1], 16);
		for (const frame of frames) {
			expect(frame.length).toBeGreaterThan(1);
			expect(frame.every((packet) => packet.payload.length + 12 <= 1400), "packets of at most 1400 bytes").toBe(true);
			expect(frame.every((packet) => packet.channel === 4 && packet.payloadType === 26 && packet.ssrc === ssrc)).toBe(true);
			expect(frame.map((packet) => packet.marker)).toEqual(frame.map((_, n) => n === frame.length - 1));
			expect(new Set(frame.map((packet) => packet.timestamp)).size).toBe(1);
		}
		const all = frames.flat();
		expect(all.map((packet) => packet.seq)).toEqual(all.map((_, n) => (all[0].seq + n) & 0xffff)); // no gap
		// frames captured 100 ms apart are 9,000 ticks apart on the 90 kHz clock
		expect((frames[2][0].timestamp - frames[1][0].timestamp) >>> 0).toBe(9000);
		await client.close();
	});

	it("sends an RTCP sender report with the CNAME every five seconds, tying the RTP clock to the capture time", async () => {
		const camera = await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		await client.play(url());
		const captured = harness.clock.now();
		const frames = await stream(camera, client, 1);
		harness.clock.advance(5000);
		await until(() => client.rtcp.length === 1, "a sender report");
		const [report] = client.rtcp;
		expect(report[1]).toBe(200); // SR
		expect(report.readUInt32BE(4)).toBe(frames[0][0].ssrc);
		expect(report.readUInt32BE(16)).toBe(frames[0][0].timestamp);
		expect(report.readUInt32BE(8), "NTP seconds of the capture").toBe(Math.floor(captured / 1000) + 2_208_988_800);
		expect(report.readUInt32BE(20), "packets").toBe(client.rtp.length);
		expect(report.readUInt32BE(24), "octets").toBe(client.rtp.reduce((sum, packet) => sum + packet.payload.length, 0));
		expect(report[29]).toBe(202); // SDES
		expect(report.subarray(38, 38 + report[37]).toString()).toBe("xscam@cam");
		await client.close();
	});

	it("PAUSE stops the packets, PLAY starts them again; TEARDOWN ends the session; GET_PARAMETER keeps it", async () => {
		const camera = await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		const session = await client.play(url());
		await stream(camera, client, 1);
		expect((await client.request("GET_PARAMETER", url(), { Session: session })).status).toBe(200);
		expect((await client.request("PAUSE", url(), { Session: session })).status).toBe(200);
		const before = client.rtp.length;
		camera.frame(syntheticRtpJpeg(3000));
		await until(() => harness.receiver.status("cam")!.frames.received === 2, "a frame while paused");
		expect((await client.request("GET_PARAMETER", url(), { Session: session })).status).toBe(200); // after any packets it would have had
		expect(client.rtp.length).toBe(before);
		expect((await client.request("PLAY", url(), { Session: session })).status).toBe(200);
		await until(() => client.rtp.length > before, "the latest frame again on PLAY");
		expect((await client.request("TEARDOWN", url(), { Session: session })).status).toBe(200);
		expect((await client.request("PLAY", url(), { Session: session })).status).toBe(454);
		await client.close();
	});

	it("a PAUSE while a frame is still flushing does not hold the stream after the next PLAY", async () => {
		const camera = await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		const session = await client.play(url());
		client.socket.pause(); // the receiver's writes back up: its slot waits for a drain
		const skipped = async () => /^xscam_rtsp_frames_skipped_total\{camera="cam"\} [1-9]/m.test(await harness.receiver.registry.getSingleMetricAsString("xscam_rtsp_frames_skipped_total"));
		for (let n = 0; !(await skipped()); n++) {
			expect(n, "frames sent before one waited").toBeLessThan(400);
			camera.frame(syntheticRtpJpeg(256 * 1024, 7), { captureTime: harness.clock.now() });
			await until(() => harness.receiver.status("cam")!.frames.received === n + 1, "frame " + n);
		}
		const paused = client.request("PAUSE", url(), { Session: session });
		client.socket.resume(); // the backlog drains while the stream is paused
		expect((await paused).status).toBe(200);
		expect((await client.request("PLAY", url(), { Session: session })).status).toBe(200);
		const before = client.frames().length;
		camera.frame(syntheticRtpJpeg(3000, 9), { captureTime: harness.clock.now() });
		await until(() => client.frames().some((frame, n) => n >= before && frame.at(-1)!.payload.at(-1) === 9), "the new frame after PLAY");
		await client.close();
	});

	it("over UDP: datagrams to the client's port, only to the address the RTSP connection comes from", async () => {
		const camera = await withCamera();
		const rtp = createSocket("udp4");
		const rtcp = createSocket("udp4");
		await Promise.all([new Promise<void>((resolve) => rtp.bind(0, "127.0.0.1", resolve)), new Promise<void>((resolve) => rtcp.bind(0, "127.0.0.1", resolve))]);
		const packets: RtpPacket[] = [];
		rtp.on("message", (message) => packets.push(parseRtp(message)));
		const client = await RtspClient.open(harness.rtspPort);
		const ports = rtp.address().port + "-" + rtcp.address().port;
		// elsewhere is refused (461); here is taken
		const elsewhere = await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP;unicast;destination=10.9.8.7;client_port=" + ports });
		expect(elsewhere.status).toBe(461);
		const setup = await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP;unicast;client_port=" + ports });
		expect(setup.status).toBe(200);
		expect(setup.headers.get("transport")).toMatch(new RegExp("^RTP/AVP;unicast;client_port=" + ports + ";server_port=\\d+-\\d+;ssrc="));
		await client.request("PLAY", url(), { Session: setup.headers.get("session")!.split(";")[0] });
		camera.frame(syntheticRtpJpeg(4000), { captureTime: harness.clock.now() });
		await until(() => packets.some((packet) => packet.marker), "a whole frame of datagrams");
		expect(packets.every((packet) => packet.payloadType === 26)).toBe(true);
		await client.close();
		rtp.close();
		rtcp.close();
	});

	it("a UDP session the client neither refreshes nor reports on expires after its timeout", async () => {
		await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		const setup = await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP;unicast;client_port=40000-40001" });
		const session = setup.headers.get("session")!.split(";")[0];
		harness.clock.advance(30_000);
		expect((await client.request("GET_PARAMETER", url(), { Session: session })).status).toBe(200); // refreshed
		harness.clock.advance(55_000);
		expect((await client.request("GET_PARAMETER", url(), { Session: session })).status).toBe(200);
		harness.clock.advance(65_000);
		expect((await client.request("GET_PARAMETER", url(), { Session: session })).status).toBe(454);
		await client.close();
	});
});

describe("refusals: each with its status, the connection kept", () => {
	it("404 for a camera it does not know, 454 for a session it does not hold, 459 for a second track, 461 for multicast, 501 for RECORD", async () => {
		await withCamera();
		const client = await RtspClient.open(harness.rtspPort);
		expect((await client.request("DESCRIBE", url("nowhere"))).status).toBe(404);
		expect((await client.request("DESCRIBE", url("cam/track1/extra"))).status).toBe(404);
		expect((await client.request("PLAY", url(), { Session: "12345678" })).status).toBe(454);
		expect((await client.request("PLAY", url())).status).toBe(454);
		expect((await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP;multicast;port=5000-5001" })).status).toBe(461);
		expect((await client.request("SETUP", url() + "/track1", { Transport: "RAW/RAW/UDP;unicast;client_port=5000" })).status).toBe(461);
		const setup = await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP/TCP;interleaved=0-1" });
		const session = setup.headers.get("session")!.split(";")[0];
		expect((await client.request("SETUP", url() + "/track1", { Session: session, Transport: "RTP/AVP/TCP;interleaved=2-3" })).status).toBe(459);
		const record = await client.request("RECORD", url());
		expect(record.status).toBe(501);
		expect(record.headers.get("public")).toContain("DESCRIBE");
		expect((await client.request("OPTIONS", "*")).status).toBe(200); // still served
		await client.close();
	});

	it("415 for a camera whose frames RTP/JPEG cannot carry, and says why once", async () => {
		const camera = await withCamera();
		const sof = syntheticRtpJpeg(2000);
		sof[sof.indexOf(Buffer.of(0xff, 0xc0)) + 11] = 0x11; // 4:4:4
		camera.frame(sof);
		await until(() => harness.receiver.status("cam")!.frames.received === 1, "the frame");
		const client = await RtspClient.open(harness.rtspPort);
		expect((await client.request("DESCRIBE", url())).status).toBe(415);
		expect(harness.lines.filter((line) => line.level === WARN && line.msg.includes("cannot go over RTSP"))).toHaveLength(1);
		await client.close();
	});

	it("bytes that are not RTSP: 400 and that connection closed; RTSP/2.0: 505; a missing CSeq: 400; others go on", async () => {
		await withCamera();
		const other = await RtspClient.open(harness.rtspPort);
		const garbage = await RtspClient.open(harness.rtspPort);
		expect((await garbage.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).status).toBe(400);
		await garbage.closed;
		const future = await RtspClient.open(harness.rtspPort);
		expect((await future.raw("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n")).status).toBe(505);
		await future.closed;
		const noSeq = await RtspClient.open(harness.rtspPort);
		expect((await noSeq.raw("OPTIONS * RTSP/1.0\r\n\r\n")).status).toBe(400);
		const huge = await RtspClient.open(harness.rtspPort);
		expect((await huge.raw("OPTIONS * RTSP/1.0\r\nX: " + "a".repeat(10_000) + "\r\n\r\n")).status).toBe(400);
		await huge.closed;
		expect((await other.request("OPTIONS", "*")).status).toBe(200);
		await Promise.all([other.close(), noSeq.close()]);
	});
});

describe("who may play", () => {
	async function secured() {
		const access = new ViewerAccess(undefined);
		const viewToken = access.addToken("nvr", ["view"]);
		const controlOnly = access.addToken("switch", ["control"]);
		const camera = await withCamera({ insecureViewers: false, viewerAccess: access });
		return { access, viewToken, controlOnly, camera };
	}

	it("401 with a Basic challenge without a token (OPTIONS is open), 403 for a token that may not view, 200 for one that may", async () => {
		const { viewToken, controlOnly } = await secured();
		const client = await RtspClient.open(harness.rtspPort);
		expect((await client.request("OPTIONS", "*")).status).toBe(200);
		const anonymous = await client.request("DESCRIBE", url());
		expect(anonymous.status).toBe(401);
		expect(anonymous.headers.get("www-authenticate")).toBe("Basic realm=\"xscam\"");
		expect((await client.request("DESCRIBE", url(), basic("not-a-token"))).status).toBe(401);
		expect((await client.request("SETUP", url() + "/track1", { Transport: "RTP/AVP/TCP;interleaved=0-1" })).status).toBe(401); // SETUP without DESCRIBE, no token
		expect((await client.request("DESCRIBE", url(), basic(controlOnly))).status).toBe(403);
		expect((await client.request("DESCRIBE", url(), basic(viewToken, "any name"))).status).toBe(200);
		// some clients put the credentials in the request line (VLC's SAT>IP module): never into the log
		const inLine = "rtsp://nvr:" + viewToken + "@127.0.0.1:" + harness.rtspPort + "/cam";
		expect((await client.request("SETUP", inLine + "/track1", { Transport: "RTP/AVP/TCP;interleaved=0-1" })).status).toBe(401);
		expect((await client.request("DESCRIBE", inLine + "%zz")).status).toBe(401);
		expect(harness.lines.some((line) => JSON.stringify(line).includes(viewToken))).toBe(false);
		expect(harness.lines.some((line) => line.msg.includes("SETUP rtsp://127.0.0.1:"))).toBe(true);
		await client.close();
	});

	it("a token revoked while its stream plays ends the stream within seconds", async () => {
		const { access, viewToken, camera } = await secured();
		const client = await RtspClient.open(harness.rtspPort);
		await client.play(url(), basic(viewToken));
		await stream(camera, client, 1);
		harness.clock.advance(5000);
		expect(client.socket.destroyed).toBe(false);
		access.removeToken("nvr");
		harness.clock.advance(5000);
		await client.closed;
	});
});

describe("many clients, and slow ones", () => {
	it("50 clients each get every frame, and the camera's frames all arrive", async () => {
		const camera = await withCamera();
		const clients = await Promise.all(Array.from({ length: 50 }, () => RtspClient.open(harness.rtspPort)));
		await Promise.all(clients.map((client) => client.play(url())));
		const sent = 20;
		for (let n = 0; n < sent; n++) {
			camera.frame(syntheticRtpJpeg(8000, n + 1), { captureTime: harness.clock.now() + n * 100 });
			await until(() => clients.every((client) => client.frames().length === n + 1), "frame " + n + " at all 50 clients");
		}
		expect(harness.receiver.status("cam")!.frames).toMatchObject({ received: sent, lost: 0 });
		for (const client of clients) {
			const fills = client.frames().map((frame) => frame.at(-1)!.payload.at(-1));
			expect(fills).toEqual(Array.from({ length: sent }, (_, n) => n + 1));
		}
		await Promise.all(clients.map((client) => client.close()));
	});

	it("no client is always last: each frame is offered to the clients starting one further on", async () => {
		const camera = await withCamera();
		const clients = await Promise.all(Array.from({ length: 4 }, () => RtspClient.open(harness.rtspPort)));
		await Promise.all(clients.map((client) => client.play(url())));
		const offers = vi.spyOn(RtpStream.prototype, "offer");
		const orders: RtpStream[][] = [];
		try {
			for (let n = 0; n < 8; n++) {
				offers.mockClear();
				camera.frame(syntheticRtpJpeg(5000, n + 1), { captureTime: harness.clock.now() + n * 100 });
				await until(() => clients.every((client) => client.frames().length === n + 1), "frame " + n + " at all 4 clients");
				orders.push(offers.mock.contexts as RtpStream[]);
			}
		} finally {
			offers.mockRestore();
		}
		const streams = new Set(orders.flat());
		expect(streams.size).toBe(4);
		for (const order of orders) expect(new Set(order), "every client offered each frame once").toEqual(streams);
		for (const stream of streams) expect(orders.filter((order) => order.at(-1) === stream), "frames one client was last for").toHaveLength(2);
		expect(orders.slice(1).map((order, n) => order.indexOf(orders[n][1])), "the second of one round is the first of the next").toEqual(Array(7).fill(0));
		await Promise.all(clients.map((client) => client.close()));
	});

	it("a client that stops reading skips frames, does not delay a fast one, and is dropped after the stall timeout", async () => {
		const stallMs = 10_000;
		const camera = await withCamera({ viewerStallMs: stallMs });
		const fast = await RtspClient.open(harness.rtspPort);
		const slow = await RtspClient.open(harness.rtspPort);
		await fast.play(url());
		await slow.play(url());
		slow.socket.pause(); // reads nothing from here on
		let sent = 0;
		const metric = (name: string) => harness.receiver.registry.getSingleMetricAsString(name);
		for (;;) {
			expect(sent, "frames sent before the slow client was dropped").toBeLessThan(400);
			camera.frame(syntheticRtpJpeg(256 * 1024, (sent % 200) + 1), { captureTime: harness.clock.now() + sent });
			sent++;
			await until(() => fast.frameCount === sent, "frame " + sent + " at the fast client");
			if (/^xscam_rtsp_clients_dropped_total\{camera="cam"\} 1$/m.test(await metric("xscam_rtsp_clients_dropped_total"))) break;
			if (/^xscam_rtsp_frames_skipped_total\{camera="cam"\} [1-9]/m.test(await metric("xscam_rtsp_frames_skipped_total"))) harness.clock.advance(SECOND_PER_FRAME);
			await new Promise((resolve) => setImmediate(resolve));
		}
		expect(fast.socket.destroyed).toBe(false);
		expect(harness.lines.find((line) => line.msg.includes("RTSP client") && line.msg.includes("dropped"))).toMatchObject({ level: WARN });
		await Promise.all([fast.close(), slow.close()]);
	}, 60_000); // tens of MB through loopback until the slow client's buffers are full: slow on a loaded machine
});
