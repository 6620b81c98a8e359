// The SDK's TCP socket (embedded:io/socket/tcp) as a pipe (pipe.ts). Nagle is off: pongs and control
// results are tiny and must not wait for the next frame.

import type TCP from "embedded:io/socket/tcp";
import { StreamPipe, type PipeOptions } from "./pipe";

/** Connects at once; throws what the SDK throws when it cannot even try (no route: "connect error"). */
export function openTcpPipe(Socket: typeof TCP, options: PipeOptions): StreamPipe {
	return new StreamPipe((callbacks) => new Socket({ address: options.address, port: options.port, nodelay: true, ...callbacks }), options);
}
