// The receiver's TLS certificate and key (--tls-cert, --tls-key, PEM), read once at start and checked
// together, so a wrong path or a key that is not the certificate's stops the receiver with one line
// instead of failing at the first connection. Both, or neither: then everything is clear text, and a
// receiver bound to more than this machine says so at start.

import { readFileSync } from "node:fs";
import { createSecureContext, type SecureContext } from "node:tls";
import { xscamError } from "./errors";
import type { ResolvedOptions } from "./options";

export interface TlsFiles {
	cert: Buffer;
	key: Buffer;
	/** Made from them once, here, where it checks them: the camera port serves it. */
	context: SecureContext;
}

export function readTlsFiles({ tlsCert, tlsKey }: ResolvedOptions): TlsFiles | undefined {
	if (tlsCert === "" && tlsKey === "") return undefined;
	if (tlsCert === "" || tlsKey === "") throw xscamError("XSCAM_ERR_TLS", "give both --tls-cert and --tls-key");
	try {
		const files = { cert: readFileSync(tlsCert), key: readFileSync(tlsKey) };
		return { ...files, context: createSecureContext(files) }; // throws for a key that does not match the certificate, or PEM that is not
	}
	catch (error) {
		throw xscamError("XSCAM_ERR_TLS", (error as Error).message.split("\n")[0]);
	}
}

/** Whether `host` is this machine only. */
export function isLoopback(host: string): boolean {
	return host === "localhost" || host === "::1" || host.startsWith("127.");
}
