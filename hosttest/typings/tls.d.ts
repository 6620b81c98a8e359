// embedded:io/socket/tcp/tls, the SDK's TLS socket (examples/io/tcp/tlssocket/tlssocket.js over
// modules/crypt/ssl/session_419.js; docs/hardware.md, "The SDK's TLS socket"), as the SDK's own typings
// (typings/embedded_io/socket/tls.d.ts) declare it, so code that compiles here compiles there.

declare module "embedded:io/socket/tcp/tls" {
	import type { TCPOptions } from "embedded:io/socket/tcp";

	export type Options = TCPOptions & {
		/** Server name indication, and the name the certificate must give (a DNS name or an IPv4 literal). */
		host: string;
		/** Passed to the TLS session: `certificate` (a CA, DER), `verify` (default true), … */
		secure: Record<string, any>;
	};

	export default class TLSSocket {
		constructor(options: Options);
		close(): undefined;
		read(count: number | ArrayBufferLike): undefined | ArrayBufferLike;
		/** Returns the space left on the TCP socket below, less 32. */
		write(buffer: ArrayBufferLike): number;
		set format(format: string);
		get format(): string;
	}
}
