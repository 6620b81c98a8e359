// How many bytes each TCP socket's kernel holds that the peer has not acknowledged, from Linux's
// /proc/net/tcp and tcp6 (tx_queue, by socket inode). A socket's own write buffer empties into the
// kernel at once and the kernel's send buffer holds megabytes (about 3 MB on loopback), so a viewer that
// stopped reading looks like one that reads until those megabytes are full; its unacknowledged bytes show
// it at once. Other systems have no such table: there the answer is undefined and the stall watch falls
// back to the socket's own buffer.

import { fstatSync } from "node:fs";
import { readFile } from "node:fs/promises";
import type { Socket } from "node:net";

const TABLES = ["/proc/net/tcp", "/proc/net/tcp6"];

/**
 * Socket inode -> unacknowledged bytes, or undefined where the system does not say. Asynchronous: the
 * kernel walks its whole connection table to write these files, which takes tens of milliseconds on a
 * machine with much memory, so the reading happens on libuv's thread pool; parsing the text (a line per
 * socket of the machine) is the event loop's, a few ms for thousands of sockets.
 */
export async function readSendQueues(): Promise<Map<number, number> | undefined> {
	const queues = new Map<number, number>();
	const texts = await Promise.all(TABLES.map((table) => readFile(table, "latin1").catch(() => undefined))); // no IPv6, or not Linux
	if (texts.every((text) => text === undefined)) return undefined;
	for (const text of texts) {
		if (text === undefined) continue;
		// "  sl  local_address rem_address   st tx_queue:rx_queue tr:tm->when retrnsmt   uid  timeout inode ..."
		for (const line of text.split("\n").slice(1)) {
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10) continue;
			queues.set(Number(fields[9]), parseInt(fields[4].slice(0, fields[4].indexOf(":")), 16));
		}
	}
	return queues;
}

/** The inode of a socket's file descriptor (what the tables list), or undefined when it has none. */
export function socketInode(socket: Socket): number | undefined {
	const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
	if (typeof fd !== "number" || fd < 0) return undefined;
	try {
		return fstatSync(fd).ino;
	}
	catch {
		return undefined;
	}
}
