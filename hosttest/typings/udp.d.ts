// embedded:io/socket/udp (modules/io/socket/lwip/udp.c; reference/moddable-sdk.md §2.2). As the SDK's own
// typings/embedded_io/socket/udp.d.ts, which omit close(): the firmware closes through its own interface
// (session/datagram-sender.ts DatagramSocket), so it compiles against the SDK's typings too.

declare module "embedded:io/socket/udp" {
	class UDP {
		constructor(options: {
			port?: number;
			address?: string;
			onReadable?: (this: UDP, packets: number) => void;
			onError?: () => void;
			format?: "buffer";
			target?: any;
		});
		/** buffer, address (an IP literal), port: in that order (io.md's example has it wrong). */
		write(buffer: ArrayBufferLike | ArrayBufferView, address: string, port: number): void;
		/** A whole datagram, or undefined when none is queued (the SDK's typings omit undefined). */
		read(): (ArrayBuffer & { address: string; port: number }) | undefined;
		get format(): "buffer";
		set format(value: "buffer");
	}

	export default UDP;
}
