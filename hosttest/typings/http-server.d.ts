// embedded:network/http/server, the SDK's HTTP/1.1 server on an ECMA-419 listener
// (examples/io/listener/httpserver/httpserver.js, typings/embedded_network/http/server.d.ts).

declare module "embedded:network/http/server" {
	import type Listener from "embedded:io/socket/listener";
	import type TCP from "embedded:io/socket/tcp";

	export interface HTTPRequest {
		method: string;
		/** The request target, query included. */
		path: string;
		/** Names in lower case. */
		headers: Map<string, string>;
	}

	export interface HTTPResponse {
		status: number;
		headers: Map<string, string | number>;
	}

	export interface HTTPConnectionHandlers {
		onRequest?(this: HTTPConnection, request: HTTPRequest): void;
		onReadable?(this: HTTPConnection, count: number): void;
		onResponse?(this: HTTPConnection, response: HTTPResponse): void;
		onWritable?(this: HTTPConnection, count: number): void;
		onDone?(this: HTTPConnection): void;
		onError?(this: HTTPConnection): void;
	}

	export interface HTTPConnection {
		close(): void;
		detach(): TCP;
		accept(options: HTTPConnectionHandlers): void;
		respond(options: HTTPResponse): void;
		read(count?: number): ArrayBuffer | undefined;
		write(bytes?: ArrayBufferLike | ArrayBufferView): number;
		route: HTTPConnectionHandlers;
		format: "buffer";
	}

	export interface HTTPServerOptions {
		io: typeof Listener;
		port?: number;
		onConnect(this: HTTPServer, connection: HTTPConnection): void;
	}

	export default class HTTPServer {
		constructor(options: HTTPServerOptions);
		close(): void;
		readonly port: number;
	}
}
