// RTSP on the receiver: `rtsp://<receiver>:8554/<camera id>` for NVRs and players (Frigate, VLC,
// ffmpeg, GStreamer, Blue Iris), to any number of clients, with the camera untouched: every frame
// ingest takes becomes RTP/JPEG packets once (rtp-jpeg.ts), and each client's stream writes them
// through its own latest-wins slot (rtp-stream.ts), as an MJPEG viewer does, in the same rotation
// (viewers/rotation.ts: each frame starts one client further on, no client always last). A client whose connection
// takes nothing for the stall timeout is dropped (viewers/stall-watch.ts); a UDP client that neither
// asks nor reports for the session timeout loses its session; a token revoked ends its streams.
//
// With --tls-cert the port speaks RTSP over TLS (rtsps://), and offers RTP over the connection only:
// datagrams would carry the frames in clear beside it. No well-kept Node library serves RTSP (the npm
// packages relay a publisher's stream or are unmaintained), so this is written small, after RFC 2326,
// 3550 and 2435, and tested against ffmpeg, VLC and GStreamer (docs/architecture.md).

import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { ViewerAccess } from "../auth/viewer-access";
import type { Camera, ReceivedFrame } from "../cameras/camera";
import type { Cancel } from "../clock";
import type { Core, Part } from "../core";
import { listenError, xscamError } from "../errors";
import { counter, gauge } from "../metrics";
import { Rotation, ROUND_TIMING } from "../viewers/rotation";
import { StallWatch } from "../viewers/stall-watch";
import { RtspConnection, SESSION_TIMEOUT_S, type RtspContext } from "./connection";
import { rtpJpeg, type RtpJpegFrame, type Unsupported } from "./rtp-jpeg";
import type { RtpFrame, RtpStream, StreamTotals } from "./rtp-stream";
import { UdpPorts } from "./udp-ports";

export interface RtspPart extends Part {
	/** The bound port (after start). */
	readonly port: number;
	/** The RTSP clients playing a camera. */
	count(cameraId: string): number;
}

/** An RTP packet of at most this many bytes fits an Ethernet path's MTU with its IP and UDP headers. */
const MAX_PACKET_BYTES = 1400;
const RTP_HEADER_BYTES = 12;
const MAX_CONNECTIONS = 1024;
/** How often playing clients' credentials are checked again, and silent UDP sessions expired. */
const RECHECK_MS = 5000;
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** A camera's RTSP totals since the receiver started (for /metrics). */
interface Totals extends StreamTotals {
	dropped: number;
	unsupported: number;
}

export function registerRtsp(core: Core, access: ViewerAccess): RtspPart {
	const { options, log, registry, clock } = core;
	const packets = new WeakMap<ReceivedFrame, RtpJpegFrame | Unsupported>();
	const streams = new Map<string, Rotation<RtpFrame, RtpStream>>(); // camera id -> its streams
	const totals = new Map<string, Totals>();
	const warned = new Set<string>(); // cameras whose unsupported frames were logged
	const connections = new Set<RtspConnection>();
	const stalls = new StallWatch(clock, options.viewerStallMs);
	const udp = core.tls ? undefined : new UdpPorts(options.host);

	const totalsOf = (id: string) => {
		let entry = totals.get(id);
		if (entry === undefined) totals.set(id, entry = { sent: 0, skipped: 0, dropped: 0, unsupported: 0 });
		return entry;
	};
	/** The frame's packets, made by the first client that needs them; frames RTP/JPEG cannot carry are counted and said once per camera. */
	const packetsOf = (camera: Camera, frame: ReceivedFrame): RtpJpegFrame | Unsupported => {
		let made = packets.get(frame);
		if (made !== undefined) return made;
		packets.set(frame, made = rtpJpeg(frame.jpeg, MAX_PACKET_BYTES - RTP_HEADER_BYTES));
		if (!("unsupported" in made)) warned.delete(camera.id);
		else {
			totalsOf(camera.id).unsupported++;
			if (!warned.has(camera.id)) {
				warned.add(camera.id);
				log.warn({ camera: camera.id }, "camera " + camera.id + "'s frames cannot go over RTSP (RTP/JPEG, RFC 2435): " + made.unsupported);
			}
		}
		return made;
	};
	const ready = (camera: Camera, frame: ReceivedFrame): RtpFrame | undefined => {
		const made = packetsOf(camera, frame);
		return "unsupported" in made ? undefined : { packets: made, captureTime: frame.captureTime };
	};

	const context: RtspContext = {
		core, access, udp,
		totals: totalsOf,
		unsupported(camera) {
			const latest = camera.intake.latest;
			const made = latest && packetsOf(camera, latest);
			return made && "unsupported" in made ? made.unsupported : undefined;
		},
		attach(camera, stream) {
			const rotation = streams.get(camera.id) ?? new Rotation<RtpFrame, RtpStream>(ROUND_TIMING);
			streams.set(camera.id, rotation);
			rotation.add(stream);
			return () => rotation.delete(stream);
		},
		offerLatest(camera, stream) {
			const latest = camera.intake.latest;
			const frame = latest && ready(camera, latest);
			if (frame) stream.offer(frame);
		},
	};

	const unsubscribe = core.frames.subscribe((camera, frame) => {
		const rotation = streams.get(camera.id);
		if (rotation === undefined || rotation.size === 0) return;
		const frameReady = ready(camera, frame);
		if (frameReady !== undefined) rotation.publish(frameReady);
	});

	let cancelRecheck: Cancel | undefined;
	const serve = (socket: Socket) => {
		const connection = new RtspConnection(socket, context);
		connections.add(connection);
		socket.setNoDelay(true);
		// A connection without a session that says nothing for the session timeout is a client gone (or one
		// holding a socket); one with sessions is judged by them.
		socket.setTimeout(SESSION_TIMEOUT_S * 1000, () => {
			if (connection.idle) socket.destroy();
		});
		const unwatch = stalls.watch(socket, () => {
			for (const { camera } of connection.sessions) totalsOf(camera.id).dropped++;
			log.warn({ remote: connection.remote }, "RTSP client " + connection.remote + " dropped: it read nothing for " + options.viewerStallMs + " ms");
			socket.destroy(xscamError("XSCAM_ERR_VIEWER_STALLED", options.viewerStallMs));
		});
		// The sweep runs while there are connections: an idle receiver keeps no timer of its own.
		cancelRecheck ??= clock.every(RECHECK_MS, recheck);
		socket.on("close", () => {
			unwatch();
			connections.delete(connection);
			if (connections.size === 0) {
				cancelRecheck?.();
				cancelRecheck = undefined;
			}
		});
	};
	const server: Server = core.tls
		? createTlsServer({ cert: core.tls.cert, key: core.tls.key, handshakeTimeout: HANDSHAKE_TIMEOUT_MS }, serve)
		: createServer(serve);
	server.maxConnections = MAX_CONNECTIONS;
	if (core.tls) server.on("tlsClientError", (_error, socket) => socket.destroy()); // a failed handshake: nothing to say

	// Credentials revoked while a stream plays end it; a UDP client silent for the session timeout loses its session.
	const recheck = () => {
		const expired = clock.now() - SESSION_TIMEOUT_S * 1000;
		for (const connection of connections) {
			if (connection.idle) continue;
			if (!connection.stillAllowed()) {
				log.info({ remote: connection.remote }, "RTSP client " + connection.remote + " closed: its token no longer may view");
				connection.socket.destroy();
				continue;
			}
			for (const { stream } of [...connection.sessions])
				if (stream.transport.kind === "udp" && stream.heardAt < expired) connection.expire(stream);
		}
	};

	gauge(registry, "xscam_rtsp_clients", "RTSP streams playing a camera", ["camera"], (report) => {
		for (const camera of core.cameras.list()) report({ camera: camera.id }, [...streams.get(camera.id) ?? []].filter((stream) => stream.playing).length);
	});
	const each = (read: (entry: Totals) => number) => (report: (labels: { camera: string }, value: number) => void) => totals.forEach((entry, camera) => report({ camera }, read(entry)));
	counter(registry, "xscam_rtsp_frames_skipped_total", "Frames a slow RTSP client skipped for a newer one", ["camera"], each((entry) => entry.skipped));
	counter(registry, "xscam_rtsp_clients_dropped_total", "RTSP clients dropped because they stopped reading", ["camera"], each((entry) => entry.dropped));
	counter(registry, "xscam_rtsp_frames_unsupported_total", "Frames RTP/JPEG cannot carry (not baseline 4:2:2 or 4:2:0 with the standard tables)", ["camera"], each((entry) => entry.unsupported));
	counter(registry, "xscam_rtsp_frames_sent_total", "Frames written to RTSP clients, summed over clients", ["camera"], each((entry) => entry.sent));

	return {
		get port() {
			return (server.address() as AddressInfo | null)?.port ?? 0;
		},
		count: (cameraId) => [...streams.get(cameraId) ?? []].filter((stream) => stream.playing).length,
		async start() {
			await new Promise<void>((resolve, reject) => {
				server.once("error", (error) => reject(listenError("rtsp", options.rtspPort, options.host, error)));
				server.listen(options.rtspPort, options.host, () => resolve());
			});
			await udp?.bind();
		},
		async close() {
			unsubscribe();
			cancelRecheck?.();
			stalls.stop();
			const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
			const closing = [...connections].map((connection) => new Promise<void>((resolve) => {
				connection.socket.once("close", () => resolve());
				connection.socket.destroy();
			}));
			await Promise.all([stopped, ...closing, udp?.close()]);
		},
	};
}
