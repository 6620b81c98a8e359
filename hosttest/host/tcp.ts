// embedded:io/socket/tcp on the board's network, as strict as the ESP32's lwIP socket
// (modules/io/socket/lwip/tcp.c; reference/moddable-sdk.md §2.1 and §9):
// - an IPv4 literal only ("invalid address"), and Error("connect error") when the station has no IP;
// - a send buffer of fixed size: write() throws "would block" for more than the free space and writes
//   nothing, returns the space left, throws "not ready" before the connection or after its error;
// - onWritable(total free) once after connect, then only when sent data has left the buffer;
// - onReadable(total buffered) only when new data arrives; unread data stops the receive window;
// - onError() with no argument, also for a clean close by the peer, and only once the received data has
//   been read; the socket is not closed for you; nothing is called after an error or a close();
// - every callback comes in a later turn, with `this` the socket;
// - aborted when the station loses the address it was bound to (a DHCP renewal that gives another,
//   radio.ts renewLease()): lwIP's tcp_netif_ip_addr_changed calls tcp_abort, and tcpError in the SDK
//   reports it as onError, once the received data has been read;
// - new TCP({ from }) takes over a socket a listener's read() returned (listener.ts): connected already,
//   on whichever interface it came in on, so the station's link does not hold it.

import type DeviceTCP from "embedded:io/socket/tcp";
import type { TCPConnectOptions, TCPOptions } from "embedded:io/socket/tcp";
import { board, type IncomingWire, type Wire, type WireEvents } from "./board";
import { callback, closedError, copyTarget } from "../../modules/sim/io-common";
import { CONNECTED } from "./radio";

/** CONFIG_LWIP_TCP_SND_BUF_DEFAULT and TCP_WND_DEFAULT of the SDK's ESP32 sdkconfig. */
export const SEND_BUFFER = 8192;
export const RECEIVE_WINDOW = 8192;

export const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

type OnCount = (this: TCP, count: number) => void;
type OnError = (this: TCP) => void;

class TCP {
	target?: unknown;
	readonly #onReadable: OnCount | undefined;
	readonly #onWritable: OnCount | undefined;
	readonly #onError: OnError | undefined;
	readonly #address: string;
	readonly #port: number;
	#format: "buffer" | "number";
	#wire: Wire | undefined; // undefined once closed
	#connected = false;
	#peerGone = false; // closed or failed, error not delivered yet
	#failed = false; // error delivered
	#free: number;
	#received: Uint8Array[] = [];
	#receivedBytes = 0;
	#readablePending = false;
	#writablePending = false;
	#held: Uint8Array[] = []; // written while the link is down: lwIP keeps it and sends it later
	#unsubscribe: () => void = () => {};
	#incoming: IncomingWire | undefined; // a listener's socket that nothing has taken over yet
	readonly #accepted: boolean;

	constructor(options: TCPOptions) {
		const placeholder = accepting;
		accepting = undefined;
		if (placeholder) { // listener.ts's read(): a socket with no callbacks, until one takes it over
			this.#incoming = placeholder;
			this.#address = placeholder.address;
			this.#port = placeholder.port;
			this.#format = "buffer";
			this.#free = 0;
			this.#accepted = true;
			return;
		}
		if (options?.format && options.format !== "buffer" && options.format !== "number") throw new RangeError("unimplemented");
		const incoming = "from" in options ? TCP.#takeOver(options.from) : undefined;
		if (!incoming) checkAddress(options as TCPConnectOptions);
		this.#onReadable = callback<OnCount>(options, "onReadable");
		this.#onWritable = callback<OnCount>(options, "onWritable");
		this.#onError = callback<OnError>(options, "onError");
		copyTarget(this, options);
		this.#format = options.format || "buffer";
		const { radio, network, tcpSendBuffer } = board();
		this.#free = tcpSendBuffer ?? SEND_BUFFER;
		this.#accepted = incoming !== undefined;
		const events: WireEvents = {
			onConnected: () => {
				this.#connected = true;
				this.#signalWritable();
			},
			onData: (bytes) => this.#arrived(bytes),
			onSent: (count) => {
				this.#free += count;
				this.#signalWritable();
			},
			onClosed: () => this.#gone(),
		};
		if (incoming) {
			this.#address = incoming.address;
			this.#port = incoming.port;
			this.#wire = incoming.attach(events);
			events.onConnected();
			return;
		}
		const { address, port } = options as TCPConnectOptions;
		this.#address = address;
		this.#port = port;
		if (radio.address === undefined) throw new Error("connect error"); // lwIP finds no route
		const unsubscribeLink = radio.subscribe(() => this.#linkChanged());
		const unsubscribeAddress = radio.onAddressLost(() => this.#aborted()); // every station socket is bound to its one address
		this.#unsubscribe = () => {
			unsubscribeLink();
			unsubscribeAddress();
		};
		this.#wire = network.connect(address, port, events);
	}

	/** listener.ts: the socket of `incoming`, for a new TCP({ from }) to take over. */
	static accepted(incoming: IncomingWire): TCP {
		accepting = incoming;
		return new TCP(undefined as never);
	}

	/** Hands a listener's socket to the one taking it over; `from` is closed from then on. */
	static #takeOver(from: unknown): IncomingWire {
		const incoming = from instanceof TCP ? from.#incoming : undefined;
		if (!incoming) throw new Error("invalid from"); // not a listener's socket, or taken over already
		(from as TCP).#incoming = undefined;
		return incoming;
	}

	get format(): "buffer" | "number" {
		this.#live();
		return this.#format;
	}

	set format(format: "buffer" | "number") {
		this.#live();
		if (format !== "buffer" && format !== "number") throw new RangeError("unknown");
		this.#format = format;
	}

	get remoteAddress(): string | undefined {
		this.#live();
		return this.#connected ? this.#address : undefined;
	}

	get remotePort(): number | undefined {
		this.#live();
		return this.#connected ? this.#port : undefined;
	}

	write(data: ArrayBufferLike | ArrayBufferView | number): number {
		const wire = this.#live();
		let bytes: Uint8Array;
		if (this.#format === "number") {
			if (typeof data !== "number") throw new TypeError("expected number");
			bytes = Uint8Array.of(data & 0xff);
		}
		else if (data instanceof ArrayBuffer || data instanceof SharedArrayBuffer) bytes = new Uint8Array(data);
		else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
		else throw new TypeError("expected buffer");
		if (this.#failed || !this.#connected) throw new Error("not ready");
		if (this.#peerGone) return undefined as unknown as number; // lwIP drops it until the error is delivered
		if (bytes.byteLength > this.#free) throw new Error("would block");
		this.#free -= bytes.byteLength;
		// TCP_WRITE_FLAG_COPY: the caller may reuse its buffer at once, so the bytes are copied now, by the
		// wire (natively: in the XS tier a JS copy would be counted as the firmware's work).
		if (this.#linkUp()) wire.write(bytes);
		else this.#held.push(bytes.slice());
		return this.#free;
	}

	read(): ArrayBuffer | undefined;
	read(count: number): ArrayBuffer;
	read(into: ArrayBufferView): number;
	read(into?: number | ArrayBufferView): ArrayBuffer | number | undefined {
		this.#live();
		if (this.#format === "number") return this.#receivedBytes ? this.#take(1)[0] : undefined;
		if (into === undefined) return this.#receivedBytes ? this.#take(this.#receivedBytes).buffer : undefined;
		const count = typeof into === "number" ? into : into.byteLength;
		if (!(count > 0) || count > this.#receivedBytes) throw new Error("invalid");
		const bytes = this.#take(count);
		if (typeof into === "number") return bytes.buffer;
		new Uint8Array(into.buffer, into.byteOffset, count).set(bytes);
		return count;
	}

	close(): void {
		this.#incoming?.reject();
		this.#incoming = undefined;
		const wire = this.#wire;
		if (!wire) return;
		this.#wire = undefined;
		this.#unsubscribe();
		wire.close();
	}

	#take(count: number): Uint8Array<ArrayBuffer> {
		const bytes = new Uint8Array(count);
		let filled = 0;
		while (filled < count) {
			const chunk = this.#received[0];
			const used = Math.min(chunk.byteLength, count - filled);
			bytes.set(chunk.subarray(0, used), filled);
			filled += used;
			if (used === chunk.byteLength) this.#received.shift();
			else this.#received[0] = chunk.subarray(used);
		}
		this.#receivedBytes -= count;
		if (this.#receivedBytes < RECEIVE_WINDOW) this.#wire!.setReceiving(this.#linkUp());
		if (this.#receivedBytes === 0 && this.#peerGone) this.#signalError();
		return bytes;
	}

	#arrived(bytes: Uint8Array): void {
		this.#received.push(bytes);
		this.#receivedBytes += bytes.byteLength;
		if (this.#receivedBytes >= RECEIVE_WINDOW) this.#wire!.setReceiving(false);
		if (this.#readablePending) return;
		this.#readablePending = true;
		board().defer(() => {
			this.#readablePending = false;
			if (this.#wire && !this.#failed) this.#onReadable?.call(this, this.#receivedBytes);
		});
	}

	/** The connection is over (the peer closed or reset it, or lwIP aborted it): onError once the data is read. */
	#gone(): void {
		this.#peerGone = true;
		if (this.#receivedBytes === 0) this.#signalError();
	}

	/**
	 * lwIP's tcp_abort: the connection is freed and nothing held for it is sent; the peer gets a reset
	 * there, a close here (a Wire has no reset).
	 */
	#aborted(): void {
		if (this.#peerGone || this.#failed) return;
		this.#held = [];
		this.#wire!.close();
		this.#gone();
	}

	#signalWritable(): void {
		if (this.#writablePending) return;
		this.#writablePending = true;
		board().defer(() => {
			this.#writablePending = false;
			if (this.#wire && !this.#failed && !this.#peerGone) this.#onWritable?.call(this, this.#free);
		});
	}

	#signalError(): void {
		board().defer(() => {
			if (!this.#wire || this.#failed) return;
			this.#failed = true;
			this.#onError?.call(this);
		});
	}

	/** While the station has no IP nothing moves: writes wait in lwIP, the peer's data waits outside. */
	#linkChanged(): void {
		const up = board().radio.connection === CONNECTED;
		const wire = this.#wire!;
		wire.setReceiving(up && this.#receivedBytes < RECEIVE_WINDOW);
		if (!up) return;
		for (const bytes of this.#held) wire.write(bytes);
		this.#held = [];
	}

	/** A socket a listener accepted came in on its own interface (the soft access point, say), not the station's. */
	#linkUp(): boolean {
		return this.#accepted || board().radio.connection === CONNECTED;
	}

	#live(): Wire {
		if (!this.#wire) throw closedError();
		return this.#wire;
	}
}

let accepting: IncomingWire | undefined; // set by TCP.accepted for the constructor it calls

function checkAddress(options: TCPConnectOptions): void {
	if (typeof options?.address !== "string" || !IPV4.test(options.address)) throw new Error("invalid address");
	if (options.port === undefined) throw new Error("invalid");
	if (!(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) throw new RangeError("invalid port");
}

export default TCP satisfies typeof DeviceTCP;
