// The Transport header of SETUP (RFC 2326 12.39): the client lists what it can take, best first, and
// the server answers with the one it chose. This server sends unicast RTP over the RTSP connection
// itself (interleaved, "RTP/AVP/TCP") or as UDP datagrams to the client's ports ("RTP/AVP" or
// "RTP/AVP/UDP"), and only to the address the RTSP connection comes from: a destination= elsewhere
// would make it a flood gun pointed by anyone who can play a stream.

export type Transport =
	| { readonly kind: "tcp"; readonly channels: readonly [rtp: number, rtcp: number] }
	| { readonly kind: "udp"; readonly clientPorts: readonly [rtp: number, rtcp: number] };

/** What a client may ask for; anything else is refused with 461 Unsupported Transport. */
export const SUPPORTED_TRANSPORTS = "RTP/AVP/TCP;unicast;interleaved=<n>-<n+1> or RTP/AVP;unicast;client_port=<p>-<p+1>";

function pair(text: string | undefined, max: number): [number, number] | undefined {
	const match = text === undefined ? null : /^(\d+)(?:-(\d+))?$/.exec(text);
	if (!match) return undefined;
	const first = Number(match[1]);
	const second = match[2] === undefined ? first + 1 : Number(match[2]);
	return first <= max && second <= max ? [first, second] : undefined;
}

/**
 * The first transport of `header` this server can use, or undefined. `remote` is the RTSP
 * connection's peer; `udp` says whether datagrams are offered at all (not over TLS: the frames would
 * travel in clear beside an encrypted connection).
 */
export function chooseTransport(header: string | undefined, remote: string, udp: boolean): Transport | undefined {
	for (const spec of (header ?? "").split(",")) {
		const [protocol = "", ...params] = spec.trim().split(";").map((part) => part.trim());
		const values = new Map(params.map((param) => {
			const equals = param.indexOf("=");
			return equals < 0 ? [param.toLowerCase(), ""] : [param.slice(0, equals).toLowerCase(), param.slice(equals + 1)];
		}));
		if (values.has("multicast") || values.has("mode") && !/^"?play"?$/i.test(values.get("mode")!)) continue;
		const destination = values.get("destination");
		if (destination !== undefined && destination !== "" && destination !== remote && "::ffff:" + destination !== remote) continue;
		switch (protocol.toUpperCase()) {
			case "RTP/AVP/TCP": {
				const channels = values.has("interleaved") ? pair(values.get("interleaved"), 255) : [0, 1] as [number, number];
				if (channels) return { kind: "tcp", channels };
				break;
			}
			case "RTP/AVP":
			case "RTP/AVP/UDP": {
				const ports = pair(values.get("client_port"), 65535);
				if (udp && ports && ports[0] > 0 && ports[1] > 0) return { kind: "udp", clientPorts: ports };
				break;
			}
		}
	}
	return undefined;
}

/** The Transport header of the answer. */
export function transportHeader(transport: Transport, ssrc: number, serverPorts: readonly [number, number]): string {
	const id = ";ssrc=" + ssrc.toString(16).toUpperCase().padStart(8, "0");
	return transport.kind === "tcp"
		? "RTP/AVP/TCP;unicast;interleaved=" + transport.channels.join("-") + id
		: "RTP/AVP;unicast;client_port=" + transport.clientPorts.join("-") + ";server_port=" + serverPorts.join("-") + id;
}
