// The real receiver as the benchmarks run it: loopback, ports 0, no logging, and no authentication,
// since the bench camera has no key and the bench viewers no token (what authentication costs is not
// what these benchmarks measure).

import { createReceiver, type Receiver } from "../../server/receiver";
import type { ReceiverOptions } from "../../server/options";

export function benchReceiver(options: ReceiverOptions = {}): Receiver {
	return createReceiver({
		ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logLevel: "silent",
		insecureCameras: true, insecureViewers: true, ...options,
	});
}
