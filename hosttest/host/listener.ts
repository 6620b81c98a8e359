// embedded:io/socket/listener on the board's network, as the SDK's (modules/io/socket/lwip/listener.js;
// reference/moddable-sdk.md §2.3): onReadable(pending) in a later turn; read() hands over a connected
// socket without callbacks, or undefined; new TCP({ from }) takes it over; format is "socket/tcp" only.

import type DeviceListener from "embedded:io/socket/listener";
import type { ListenerOptions } from "embedded:io/socket/listener";
import { board, type IncomingWire, type Listening } from "./board";
import { callback, closedError, copyTarget } from "../../modules/sim/io-common";
import TCP from "./tcp";

type OnReadable = (this: Listener, pending: number) => void;

class Listener {
	target?: unknown;
	#listening: Listening | undefined; // undefined once closed
	readonly #pending: IncomingWire[] = [];

	constructor(options: ListenerOptions) {
		const port = options?.port ?? 0;
		if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new RangeError("invalid port");
		if (options.format !== undefined && options.format !== "socket/tcp") throw new RangeError("unimplemented");
		const onReadable = callback<OnReadable>(options, "onReadable");
		copyTarget(this, options);
		const { network } = board();
		if (!network.listen) throw new Error("socket bind: this board's network takes no connections");
		this.#listening = network.listen(port, (incoming) => {
			if (!this.#listening) return incoming.reject();
			this.#pending.push(incoming);
			board().defer(() => {
				if (this.#listening && this.#pending.length) onReadable?.call(this, this.#pending.length);
			});
		});
	}

	read(): InstanceType<typeof TCP> | undefined {
		this.#live();
		const incoming = this.#pending.shift();
		return incoming && TCP.accepted(incoming);
	}

	close(): void {
		const listening = this.#listening;
		if (!listening) return;
		this.#listening = undefined;
		listening.close();
		for (const incoming of this.#pending.splice(0)) incoming.reject();
	}

	get port(): number {
		return this.#live().port;
	}

	get format(): "socket/tcp" {
		this.#live();
		return "socket/tcp";
	}

	set format(format: "socket/tcp") {
		this.#live();
		if (format !== "socket/tcp") throw new RangeError("unimplemented");
	}

	#live(): Listening {
		if (!this.#listening) throw closedError();
		return this.#listening;
	}
}

export default Listener satisfies typeof DeviceListener;
