// embedded:io/socket/tcp (modules/io/socket/lwip/tcp.c; reference/moddable-sdk.md §2.1).

declare module "embedded:io/socket/tcp" {
	export type Bytes = ArrayBufferLike | ArrayBufferView | { readonly byteLength: number };

	export interface TCPConnectOptions extends TCPCallbacks {
		/** A dotted IPv4 literal: there is no DNS here. */
		address: string;
		port: number;
	}

	export interface TCPFromOptions extends TCPCallbacks {
		/** A connected socket without callbacks, as a listener's read() returns it: this one takes it over. */
		from: TCP;
	}

	export type TCPOptions = TCPConnectOptions | TCPFromOptions;

	export interface TCPCallbacks {
		nodelay?: boolean;
		format?: "buffer" | "number";
		/** `count` is the total bytes buffered, and fires only when new data arrives. */
		onReadable?: (this: TCP, count: number) => void;
		/** `count` is the total free space of the send buffer; on ESP32 it fires after connect and after ACKs. */
		onWritable?: (this: TCP, count: number) => void;
		/** No argument. Also fires on a clean close by the peer, after the received data was read. */
		onError?: (this: TCP) => void;
		target?: unknown;
	}

	export default class TCP {
		constructor(options: TCPOptions);
		/** All buffered bytes, or undefined when none. */
		read(): ArrayBuffer | undefined;
		read(count: number): ArrayBuffer;
		read(into: ArrayBufferView): number;
		/** Returns the free space left; throws "would block" when `data` exceeds it (nothing is written). */
		write(data: Bytes | number): number;
		close(): void;
		format: "buffer" | "number";
		readonly remoteAddress: string | undefined;
		readonly remotePort: number | undefined;
		target?: unknown;
	}
}
