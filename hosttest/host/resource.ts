// Resource on the host: a read-only buffer over a file the board has built in (the SDK's
// modules/files/resource: `new Resource(path)` throws when there is no such resource).

import { board } from "./board";

export default class Resource {
	constructor(path: string) {
		const bytes = board().resource?.(path);
		if (!bytes) throw new Error("Resource not found: " + path);
		return bytes.slice().buffer as unknown as Resource; // an ArrayBuffer of the file, like the SDK's host buffer
	}

	static exists(path: string): boolean {
		return board().resource?.(path) !== undefined;
	}
}
