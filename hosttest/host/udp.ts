// embedded:io/socket/udp on the board's network, as strict as the ESP32's lwIP socket
// (modules/io/socket/lwip/udp.c; reference/moddable-sdk.md §2.2):
// - port 0..65535 (RangeError "invalid port"), format "buffer" only (RangeError "invalid format");
// - write(buffer, address, port), in that order: an IPv4 literal (RangeError "invalid IP address"), the
//   datagram copied before write returns (the caller reuses its buffer), Error("UDP send failed") when
//   lwIP cannot send it, as with no route while the station has no IP;
// - read() returns undefined: no board here sends the firmware datagrams (the camera only sends them);
// - after close() every method throws, and a second close() does nothing.

import type DeviceUDP from "embedded:io/socket/udp";
import { board, type DatagramPort } from "./board";
import { callback, closedError, copyTarget } from "../../modules/sim/io-common";
import { CONNECTED } from "./radio";
import { IPV4 } from "./tcp";

type Options = ConstructorParameters<typeof DeviceUDP>[0];

class UDP {
	target?: unknown;
	#port: DatagramPort | undefined; // undefined once closed

	constructor(options: Options) {
		if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65535)) throw new RangeError("invalid port");
		callback(options, "onReadable");
		copyTarget(this, options);
		if (options.format !== undefined && options.format !== "buffer") throw new RangeError("invalid format");
		const { network } = board();
		if (!network.datagrams) throw new Error("host: this board's network carries no datagrams");
		this.#port = network.datagrams();
	}

	write(buffer: ArrayBufferLike | ArrayBufferView, address: string, port: number): void {
		const datagrams = this.#live();
		if (typeof address !== "string" || !IPV4.test(address)) throw new RangeError("invalid IP address");
		if (board().radio.connection !== CONNECTED) throw new Error("UDP send failed"); // lwIP finds no route
		const bytes = ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
		datagrams.send(bytes, address, port | 0);
	}

	read(): undefined {
		this.#live();
		return undefined;
	}

	get format(): "buffer" {
		this.#live();
		return "buffer";
	}

	set format(format: "buffer") {
		this.#live();
		if (format !== "buffer") throw new RangeError("invalid format");
	}

	close(): void {
		this.#port?.close();
		this.#port = undefined;
	}

	#live(): DatagramPort {
		if (!this.#port) throw closedError();
		return this.#port;
	}
}

export default UDP satisfies typeof DeviceUDP;
