// The Node side of the XS board's network: what is at the other end of each TCP connection the firmware
// opens inside the engine. Two ends are used: an in-process receiver on the shared decoder
// (decoder-receiver.ts), deterministic, for counting; and a relay to real sockets (loopback-relay.ts),
// so a real server on loopback can be the peer.

/** How the peer talks back to the firmware; what it says reaches XS at the start of the next crank. */
export interface WireEnd {
	connected(): void;
	data(bytes: Uint8Array): void;
	/** The peer closed (`error` false) or the connection failed or was reset. */
	closed(error: boolean): void;
}

/** One connection as the peer sees it. */
export interface PeerConnection {
	/** Bytes the firmware wrote; only valid during the call. */
	write(bytes: Uint8Array): void;
	/** The firmware closed the socket: no more events. */
	close(): void;
}

export interface XsNetwork {
	/** A connection from the firmware; call end.closed(true) (now or later) to refuse it. */
	connect(address: string, port: number, end: WireEnd): PeerConnection;
	/** A UDP datagram the firmware sent (only valid during the call); a network without it loses them all. */
	datagram?(bytes: Uint8Array, address: string, port: number): void;
	/** DNS, answered at once (the firmware hears it in a later turn). */
	resolve?(host: string): string | undefined;
	/** The virtual clock moved to `now` (ms); called before each crank. */
	tick?(now: number): void;
}

/** Nothing listens: every connection is refused. */
export const NO_NETWORK: XsNetwork = {
	connect(_address, _port, end) {
		end.closed(true);
		return { write() {}, close() {} };
	},
};
