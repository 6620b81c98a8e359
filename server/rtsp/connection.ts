// One RTSP client connection: its requests, answered in order, and the sessions it set up (one stream
// of one camera each). The methods are those real clients send (RFC 2326 10): OPTIONS, DESCRIBE,
// SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER (a keep-alive) and SET_PARAMETER (one too, for
// some); anything else is 501. Bytes that are not RTSP get their status (400, 505) and the connection
// closes; nothing a client sends reaches past its own connection.
//
// Who may play: a viewer token with the right "view", as HTTP Basic credentials (the token as the
// password, any user name: `rtsp://name:<token>@host:8554/<camera>`), checked on DESCRIBE, SETUP and
// PLAY, and again every few seconds while a stream plays (server.ts), so a revoked token ends it.

import { randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import { tokenOf, type Principal, type ViewerAccess } from "../auth/viewer-access";
import type { Camera } from "../cameras/camera";
import type { Core } from "../core";
import { RtspReader, RtspSyntaxError, rtspResponse, type RtspRequest } from "./messages";
import { JPEG_PAYLOAD_TYPE, RtpStream, type StreamTotals } from "./rtp-stream";
import type { UdpPorts } from "./udp-ports";
import { chooseTransport, SUPPORTED_TRANSPORTS, transportHeader } from "./transport";

/** RFC 2326 12.37: a UDP session the client stops refreshing (a request, or RTCP) ends after this. */
export const SESSION_TIMEOUT_S = 60;
/** Sessions one connection may hold: a player needs one. */
const MAX_SESSIONS = 4;
const TRACK = "track1";
const PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
const ANYONE: Principal = { name: "anyone (--insecure-viewers)", rights: ["view", "control"] };

/** What the connections of one server share (server.ts). */
export interface RtspContext {
	readonly core: Core;
	readonly access: ViewerAccess;
	/** The receiver's datagram sockets; undefined when UDP is not offered (over TLS). */
	readonly udp: UdpPorts | undefined;
	/** Why the camera's frames cannot go as RTP/JPEG, if its latest frame says they cannot. */
	unsupported(camera: Camera): string | undefined;
	/** The counts of a camera's streams. */
	totals(cameraId: string): StreamTotals;
	/** Feeds `stream` the camera's frames from now on (while it plays); returns the function that stops. */
	attach(camera: Camera, stream: RtpStream): () => void;
	/** Offers `stream` the camera's latest frame, if it has one that can go: something to show at once. */
	offerLatest(camera: Camera, stream: RtpStream): void;
}

interface Session {
	readonly id: string;
	readonly camera: Camera;
	readonly stream: RtpStream;
	readonly detach: () => void;
}

type Headers = { [name: string]: string };

interface Answer {
	headers?: Headers;
	body?: string;
	/** What to do once the answer is written. */
	then?: () => void;
}

class Refusal extends Error {
	readonly status: number;
	readonly headers: Headers;

	constructor(status: number, message: string, headers: Headers = {}) {
		super(message);
		this.status = status;
		this.headers = headers;
	}
}

export class RtspConnection {
	readonly socket: Socket;
	readonly remote: string;
	readonly #context: RtspContext;
	readonly #reader = new RtspReader();
	readonly #sessions = new Map<string, Session>();
	/** The token of the last request that gave one: checked again while a stream plays. */
	#token: string | undefined;

	constructor(socket: Socket, context: RtspContext) {
		this.socket = socket;
		this.remote = socket.remoteAddress + ":" + socket.remotePort;
		this.#context = context;
		socket.on("data", (chunk: Buffer) => this.#read(chunk));
		socket.on("error", () => {}); // a client that vanishes is normal; 'close' follows
		socket.on("close", () => {
			for (const session of this.#sessions.values()) this.#end(session);
		});
	}

	get sessions(): Iterable<{ readonly stream: RtpStream; readonly camera: Camera }> {
		return this.#sessions.values();
	}

	/** Whether it holds a session: then its silence is not idleness (UDP sessions expire on their own, TCP streams stall). */
	get idle(): boolean {
		return this.#sessions.size === 0;
	}

	/** Whether the credentials that started its streams still may view (a token can be revoked). */
	stillAllowed(): boolean {
		const { core, access } = this.#context;
		return core.options.insecureViewers || (this.#token !== undefined && (access.byToken(this.#token)?.rights.includes("view") ?? false));
	}

	/** Ends a session, as TEARDOWN does (its UDP client went silent). */
	expire(stream: RtpStream): void {
		for (const session of this.#sessions.values()) if (session.stream === stream) this.#end(session);
	}

	/** An RTCP report or keep-alive from the client's RTCP port refreshes its UDP sessions. */
	heard(): void {
		const now = this.#context.core.clock.now();
		for (const { stream } of this.#sessions.values()) stream.heardAt = now;
	}

	#read(chunk: Buffer): void {
		if (this.socket.writableEnded) return; // refused: what else it sends is not read
		let incoming;
		try {
			incoming = this.#reader.push(chunk);
		}
		catch (error) {
			const { status, message } = error as RtspSyntaxError;
			this.#context.core.log.debug({ remote: this.remote }, "RTSP client " + this.remote + " closed: " + message);
			this.socket.end(rtspResponse(status, undefined, { Connection: "close" }));
			this.socket.destroySoon();
			return;
		}
		for (const item of incoming) {
			if ("interleaved" in item) this.heard(); // its RTCP receiver reports
			else this.#answer(item.request);
		}
	}

	#answer(request: RtspRequest): void {
		const cseq = request.headers.get("cseq");
		if (this.socket.destroyed || this.socket.writableEnded) return;
		if (cseq === undefined || !/^\d+$/.test(cseq)) {
			this.socket.write(rtspResponse(400, undefined));
			return;
		}
		try {
			const { headers, body, then } = this.#handle(request);
			this.socket.write(rtspResponse(200, cseq, headers, body));
			then?.(); // after the answer: PLAY's first frame must not come before it on this connection
		}
		catch (error) {
			if (!(error instanceof Refusal)) throw error;
			this.#context.core.log.debug({ remote: this.remote, status: error.status }, "RTSP " + request.method + " " + withoutCredentials(request.url) + " from " + this.remote + ": " + error.status + " " + error.message);
			this.socket.write(rtspResponse(error.status, cseq, error.headers));
		}
	}

	#handle(request: RtspRequest): Answer {
		const session = this.#session(request);
		switch (request.method) {
			case "OPTIONS":
				return { headers: { Public: PUBLIC } };
			case "DESCRIBE":
				return this.#describe(request);
			case "SETUP":
				return this.#setup(request, session);
			case "PLAY":
				return this.#play(request, this.#need(session));
			case "PAUSE":
				this.#need(session).stream.pause();
				return { headers: this.#sessionHeader(session!) };
			case "TEARDOWN":
				this.#end(this.#need(session));
				return {};
			case "GET_PARAMETER":
			case "SET_PARAMETER":
				return { headers: session ? this.#sessionHeader(session) : {} };
			default:
				throw new Refusal(501, request.method + " is not implemented", { Public: PUBLIC });
		}
	}

	/** The session a request names (refreshing it); a Session header that names none of this connection's is 454. */
	#session(request: RtspRequest): Session | undefined {
		const id = request.headers.get("session")?.split(";")[0].trim();
		if (id === undefined) return undefined;
		const session = this.#sessions.get(id);
		if (session === undefined) throw new Refusal(454, "no session " + JSON.stringify(id) + " on this connection");
		session.stream.heardAt = this.#context.core.clock.now();
		return session;
	}

	#need(session: Session | undefined): Session {
		if (session === undefined) throw new Refusal(454, "no Session header");
		return session;
	}

	#sessionHeader(session: Session): Headers {
		return { Session: session.id + ";timeout=" + SESSION_TIMEOUT_S };
	}

	/** The one who asks, if they may view; 401 (with the challenge) or 403 otherwise. */
	#authorize(request: RtspRequest): Principal {
		const { core, access } = this.#context;
		if (core.options.insecureViewers) return ANYONE;
		const challenge = { "WWW-Authenticate": "Basic realm=\"xscam\"" };
		const token = tokenOf(request.headers.get("authorization"), ["basic"]);
		if (token === undefined) throw new Refusal(401, "no credentials", challenge);
		const principal = access.byToken(token);
		if (principal === undefined) throw new Refusal(401, "not a token of this receiver", challenge);
		if (!principal.rights.includes("view")) throw new Refusal(403, principal.name + " may not view");
		this.#token = token;
		return principal;
	}

	/** The camera a URL names, `rtsp://host:port/<id>` or `.../<id>/track1`, and the URL of its stream. */
	#camera(request: RtspRequest): { camera: Camera; base: string } {
		let url: URL;
		try {
			url = new URL(request.url);
		}
		catch {
			throw new Refusal(400, "not a URL: " + JSON.stringify(withoutCredentials(request.url)));
		}
		const segments = url.pathname.split("/").filter((segment) => segment !== "");
		if (segments.length === 2 && segments[1] === TRACK) segments.pop();
		const id = segments.length === 1 ? safeDecode(segments[0]) : undefined;
		const camera = id === undefined ? undefined : this.#context.core.cameras.get(id);
		if (camera === undefined) throw new Refusal(404, "no camera at " + url.pathname);
		return { camera, base: "rtsp://" + url.host + "/" + encodeURIComponent(camera.id) + "/" };
	}

	#describe(request: RtspRequest): Answer {
		const principal = this.#authorize(request);
		const { camera, base } = this.#camera(request);
		const unsupported = this.#context.unsupported(camera);
		if (unsupported !== undefined) throw new Refusal(415, "camera " + camera.id + "'s frames cannot go as RTP/JPEG: " + unsupported);
		this.#context.core.log.debug({ camera: camera.id, remote: this.remote, who: principal.name }, "RTSP client " + this.remote + " described camera " + camera.id);
		const sdp = [
			"v=0",
			"o=- " + Date.now() + " 1 IN IP" + (this.socket.localFamily === "IPv6" ? "6 " : "4 ") + this.socket.localAddress,
			"s=xscam " + camera.id,
			"c=IN IP4 0.0.0.0",
			"t=0 0",
			"a=control:*",
			"a=range:npt=now-",
			"m=video 0 RTP/AVP " + JPEG_PAYLOAD_TYPE,
			"a=rtpmap:" + JPEG_PAYLOAD_TYPE + " JPEG/90000",
			"a=control:" + TRACK,
			"",
		].join("\r\n");
		return { headers: { "Content-Base": base, "Content-Type": "application/sdp" }, body: sdp };
	}

	#setup(request: RtspRequest, existing: Session | undefined): Answer {
		this.#authorize(request);
		const { camera } = this.#camera(request);
		if (existing !== undefined) throw new Refusal(459, "one track per session: this session has it already");
		if (this.#sessions.size >= MAX_SESSIONS) throw new Refusal(503, "already " + MAX_SESSIONS + " sessions on this connection");
		const { udp, core } = this.#context;
		const transport = chooseTransport(request.headers.get("transport"), this.socket.remoteAddress ?? "", udp !== undefined);
		if (transport === undefined) throw new Refusal(461, "none of " + JSON.stringify(request.headers.get("transport") ?? "") + "; this server takes " + SUPPORTED_TRANSPORTS);
		const stream = new RtpStream({ transport, socket: this.socket, udp: udp && { ...udp.sockets, address: this.socket.remoteAddress! } }, core.clock, "xscam@" + camera.id, this.#context.totals(camera.id));
		const session: Session = { id: randomBytes(8).toString("hex"), camera, stream, detach: this.#context.attach(camera, stream) };
		this.#sessions.set(session.id, session);
		if (transport.kind === "udp") for (const port of transport.clientPorts) udp!.listen(this.socket.remoteAddress!, port, this);
		return { headers: { Transport: transportHeader(transport, stream.ssrc, udp?.ports ?? [0, 0]), ...this.#sessionHeader(session) } };
	}

	#play(request: RtspRequest, session: Session): Answer {
		this.#authorize(request);
		const { stream, camera } = session;
		const asked = withoutCredentials(request.url);
		const url = asked.endsWith("/" + TRACK) ? asked : asked.replace(/\/?$/, "/" + TRACK);
		const latest = camera.intake.latest;
		const info = "url=" + url + ";seq=" + stream.nextSeq + (latest ? ";rtptime=" + stream.timestamp(latest.captureTime) : "");
		stream.play();
		return { headers: { Range: "npt=now-", "RTP-Info": info, ...this.#sessionHeader(session) }, then: () => this.#context.offerLatest(camera, stream) };
	}

	#end(session: Session): void {
		session.stream.close();
		session.detach();
		this.#sessions.delete(session.id);
		const { transport } = session.stream;
		if (transport.kind === "udp") for (const port of transport.clientPorts) this.#context.udp?.forget(this.socket.remoteAddress!, port);
	}
}

/** A URL as it may be logged or echoed: some clients put the user and token in the request line. */
function withoutCredentials(url: string): string {
	return url.replace(/^([a-z]+:\/\/)[^/@]*@/i, "$1");
}

function safeDecode(segment: string): string | undefined {
	try {
		return decodeURIComponent(segment);
	}
	catch {
		return undefined;
	}
}
