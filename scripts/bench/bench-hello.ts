// How a bench camera joins the receiver: a hello without a key (the bench receiver takes such cameras),
// then the welcome. Pings go unanswered: a streaming camera is never silent.

import type { Socket } from "node:net";
import { Decoder } from "../../src/protocol/decoder";
import { encode } from "../../src/protocol/encoder";
import type { ServerMessage } from "../../src/protocol/types";

export const WIDTH = 640;
export const HEIGHT = 480;

/** Says hello as camera `id` on `socket` (connecting or connected); resolves once welcomed, rejects if refused. */
export function welcomed(socket: Socket, id: string): Promise<void> {
	return new Promise((resolve, reject) => {
		socket.once("error", reject);
		socket.once("close", () => reject(new Error("bench camera: the receiver closed the connection before its welcome")));
		const decoder = new Decoder<ServerMessage>({
			from: "server", maxBodyBytes: 1 << 16,
			onMessage: (message) => {
				if (message.type === "welcome") resolve();
			},
		});
		socket.on("data", (chunk) => decoder.push(chunk));
		socket.write(encode({ type: "hello", flags: 0, id, firmware: "bench", board: "bench", sensor: "bench", width: WIDTH, height: HEIGHT }));
	});
}
