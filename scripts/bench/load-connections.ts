// The connections of a benchmark's load (frame-flood.ts, paced-cameras.ts): one TCP connection per
// camera, each saying hello and waiting for its welcome (`hello`, as the receiver requires) or sending
// at once (`raw`, to the byte sink, which speaks nothing). They open in waves, fewer at a time than the
// receiver lets wait to say hello (--max-pending, 256 by default), so that thousands can join.

import { connect, type Socket } from "node:net";
import { welcomed } from "./bench-hello";

export type LoadMode = "hello" | "raw";

const WAVE = 200;

export interface LoadConnections {
	sockets: Socket[];
	/** Connections the other side closed before stop(): the side measured refused something. */
	closedByPeer(): number;
	stop(): void;
}

export async function openConnections(port: number, count: number, mode: LoadMode, idPrefix: string): Promise<LoadConnections> {
	let stopping = false;
	let closedByPeer = 0;
	const open = async (id: string) => {
		const socket = connect(port, "127.0.0.1");
		socket.setNoDelay(true);
		if (mode === "hello") await welcomed(socket, id);
		else await new Promise((resolve, reject) => socket.once("connect", resolve).once("error", reject));
		socket.on("error", () => socket.destroy()); // the other side went away: counted at its close
		socket.on("close", () => void (stopping || closedByPeer++));
		return socket;
	};
	const sockets: Socket[] = [];
	for (let first = 0; first < count; first += WAVE)
		sockets.push(...await Promise.all(Array.from({ length: Math.min(WAVE, count - first) }, (_, i) => open(idPrefix + (first + i)))));
	return {
		sockets,
		closedByPeer: () => closedByPeer,
		stop() {
			stopping = true;
			for (const socket of sockets) socket.destroy();
		},
	};
}
