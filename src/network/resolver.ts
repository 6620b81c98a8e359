// Host name -> IPv4 address, for a transport that takes literals only. An IPv4 literal is answered at
// once; a name goes to the SDK's Net.resolve (DNS over the station's link). Only the latest question
// is ever answered: a late answer to one the caller gave up on (it timed out, the link went down) is
// dropped, so it cannot open a connection nobody wants.

import type Net from "net";
import { isIPv4 } from "./address";

export class Resolver {
	readonly #net: typeof Net;
	#question = 0;

	constructor(net: typeof Net) {
		this.#net = net;
	}

	/** Calls back with the address of `host`, or undefined when it has none; synchronously for a literal. */
	resolve(host: string, callback: (address: string | undefined) => void): void {
		const question = ++this.#question;
		if (isIPv4(host)) {
			callback(host);
			return;
		}
		this.#net.resolve(host, (_name, address) => {
			if (question === this.#question) callback(address);
		});
	}

	/** Forgets the question asked: its answer, when it comes, is dropped. */
	cancel(): void {
		this.#question++;
	}
}
