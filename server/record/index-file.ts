// The sidecar index of a segment (<segment>.idx): where each frame starts, how long it is, and when it
// was captured, so a player or the reader can seek by time without scanning JPEG bytes.
//
//   header  8 bytes  "XSIX", version 1, 3 bytes zero
//   entry  20 bytes  offset (f64, bytes into the .mjpeg), length (u32), capture time (f64, ms since the epoch)
//
// Big-endian, like the wire protocol. Entries are appended after their frame's bytes are written, so an
// index never runs ahead of its segment in a crash; a cut entry at the end is ignored.

export const INDEX_EXTENSION = ".idx";
export const INDEX_HEADER_BYTES = 8;
export const INDEX_ENTRY_BYTES = 20;
const MAGIC = [0x58, 0x53, 0x49, 0x58]; // "XSIX"
const VERSION = 1;

export interface IndexEntry {
	offset: number;
	length: number;
	captureTime: number;
}

export function indexHeader(): Buffer {
	const header = Buffer.alloc(INDEX_HEADER_BYTES);
	header.set(MAGIC, 0);
	header[4] = VERSION;
	return header;
}

export function encodeEntry(entry: IndexEntry): Buffer {
	const bytes = Buffer.alloc(INDEX_ENTRY_BYTES);
	bytes.writeDoubleBE(entry.offset, 0);
	bytes.writeUInt32BE(entry.length, 8);
	bytes.writeDoubleBE(entry.captureTime, 12);
	return bytes;
}

/** The complete entries of an index file's bytes; none when the header is not ours. */
export function parseIndex(bytes: Uint8Array): IndexEntry[] {
	if (bytes.byteLength < INDEX_HEADER_BYTES || MAGIC.some((byte, i) => bytes[i] !== byte) || bytes[4] !== VERSION) return [];
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const entries: IndexEntry[] = [];
	for (let at = INDEX_HEADER_BYTES; at + INDEX_ENTRY_BYTES <= bytes.byteLength; at += INDEX_ENTRY_BYTES)
		entries.push({ offset: view.getFloat64(at), length: view.getUint32(at + 8), captureTime: view.getFloat64(at + 12) });
	return entries;
}
