// embedded:io/socket/listener, the ECMA-419 TCP listener (modules/io/socket/lwip/listener.js;
// reference/moddable-sdk.md §2.3): read() hands over a connected TCP socket without callbacks, to adopt
// with new TCP({ from }).

declare module "embedded:io/socket/listener" {
	import type TCP from "embedded:io/socket/tcp";

	export interface ListenerOptions {
		/** 0 or absent: an ephemeral port, read back through `port`. */
		port?: number;
		onReadable?: (this: Listener, pending: number) => void;
		format?: "socket/tcp";
		target?: unknown;
	}

	export default class Listener {
		constructor(options: ListenerOptions);
		read(): TCP | undefined;
		close(): void;
		readonly port: number;
		format: "socket/tcp";
		target?: unknown;
	}
}
