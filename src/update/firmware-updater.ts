// Firmware updates over the session (docs/protocol.md, "Firmware updates"): the receiver offers an image
// (its size, SHA-256 and version), then sends it a chunk at a time, each only after the device's status
// asked for it, so the device never holds more than one chunk (in its decoder). Each chunk goes straight
// to the other OTA slot through the SDK's embedded:update (append mode: sequential writes) and into a
// running SHA-256. Only when every byte is written and the digest is the one offered does complete()
// make that slot the one to boot (the IDF checks the image's own checksum there too); then the device
// restarts into it and starts it on trial (update-trial.ts). Anything else (a chunk out of order, a
// write the flash refuses, a digest that differs, the connection cut) closes the updater, which aborts
// the OTA write (esp_ota_abort, modules/io/update/esp32/update-esp32.c): the boot slot stays the running one.

import type { Digest } from "crypt";
import type Flash from "embedded:storage/flash";
import type Update from "embedded:update";
import type { Updater } from "embedded:update";
import { MAX_STRING_BYTES } from "../protocol/constants";
import type { UpdateChunk, UpdateOffer, UpdateStatus } from "../protocol/types";
import { utf8Length } from "../protocol/utf8";

export interface UpdaterIO {
	Update: typeof Update;
	Flash: typeof Flash;
	Digest: typeof Digest;
}

export interface FirmwareUpdaterOptions {
	io: UpdaterIO;
	/** The image is verified and set to boot: the device restarts into it. */
	onVerified: (version: string) => void;
	log: (line: string) => void;
}

interface Transfer {
	readonly offer: UpdateOffer;
	readonly slot: ReturnType<typeof Flash.open>;
	readonly updater: Updater;
	readonly digest: Digest;
	written: number;
}

/** The OTA partition an update writes: the SDK's name for the slot that is not running. */
const NEXT_SLOT = "nextota";

export class FirmwareUpdater {
	readonly #options: FirmwareUpdaterOptions;
	#transfer: Transfer | undefined;
	#verified: string | undefined; // the version set to boot; nothing more until the restart

	constructor(options: FirmwareUpdaterOptions) {
		this.#options = options;
	}

	/** An offer: a new transfer, replacing any still under way (the receiver starts over). */
	offer(offer: UpdateOffer): UpdateStatus {
		if (this.#verified !== undefined) return failed(0, "already restarting into " + this.#verified);
		this.abort("a new offer");
		if (offer.size === 0) return failed(0, "an empty image");
		const { io } = this.#options;
		let slot: Transfer["slot"] | undefined;
		try {
			slot = io.Flash.open({ path: NEXT_SLOT });
			const room = slot.status().size;
			if (offer.size > room) {
				slot.close();
				return failed(0, "an image of " + offer.size + " bytes does not fit the update slot of " + room);
			}
			const updater = io.Update.open({ partition: slot });
			this.#transfer = { offer, slot, updater, digest: new io.Digest("SHA256"), written: 0 };
		}
		catch (error) {
			slot?.close();
			return failed(0, "no update slot: " + (error as Error).message);
		}
		this.#options.log("update to " + offer.version + ": receiving " + offer.size + " bytes");
		return status("ready", 0);
	}

	chunk(chunk: UpdateChunk): UpdateStatus {
		const transfer = this.#transfer;
		if (transfer === undefined) return failed(chunk.offset, this.#verified !== undefined ? "already restarting into " + this.#verified : "no update under way");
		const { offer } = transfer;
		const end = chunk.offset + chunk.bytes.byteLength;
		if (chunk.offset !== transfer.written) return this.#fail("a chunk at " + chunk.offset + ", expected " + transfer.written);
		if (chunk.bytes.byteLength > offer.chunkSize) return this.#fail("a chunk of " + chunk.bytes.byteLength + " bytes, offered at most " + offer.chunkSize);
		if (end > offer.size) return this.#fail("a chunk ending at " + end + ", past the image's " + offer.size + " bytes");
		try {
			transfer.updater.write(chunk.bytes);
		}
		catch (error) {
			return this.#fail("the slot refused a write at " + chunk.offset + ": " + (error as Error).message);
		}
		transfer.digest.write(chunk.bytes.slice().buffer); // the SDK's typings take an ArrayBuffer, not a view
		transfer.written = end;
		if (end < offer.size) return status("written", end);
		const digest = new Uint8Array(transfer.digest.close());
		if (!equal(digest, offer.sha256)) return this.#fail("the image's SHA-256 is " + hex(digest) + ", not the offered " + hex(offer.sha256));
		try {
			transfer.updater.complete();
		}
		catch (error) {
			return this.#fail("the slot refused the image: " + (error as Error).message);
		}
		this.#close();
		this.#verified = offer.version;
		this.#options.log("update to " + offer.version + ": verified, restarting into it");
		this.#options.onVerified(offer.version);
		return status("verified", end);
	}

	/** The session ended (or a new offer came): an update under way is given up, the running firmware kept. */
	abort(reason: string): void {
		const transfer = this.#transfer;
		if (transfer === undefined) return;
		this.#options.log("update to " + transfer.offer.version + " given up at " + transfer.written + " of " + transfer.offer.size + " bytes: " + reason);
		this.#close();
	}

	#fail(reason: string): UpdateStatus {
		const at = this.#transfer!.written;
		this.abort(reason);
		return failed(at, reason);
	}

	#close(): void {
		const transfer = this.#transfer!;
		this.#transfer = undefined;
		transfer.updater.close(); // after complete() a no-op; before it, the IDF's esp_ota_abort
		transfer.slot.close();
	}
}

function status(state: UpdateStatus["state"], offset: number): UpdateStatus {
	return { type: "updateStatus", state, offset, reason: "" };
}

/** A reason names a version, which may take the whole of a string field: cut to fit (MAX_STRING_BYTES). */
function failed(offset: number, reason: string): UpdateStatus {
	let fitting = reason;
	while (utf8Length(fitting) > MAX_STRING_BYTES) fitting = fitting.slice(0, -1);
	return { type: "updateStatus", state: "failed", offset, reason: fitting };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
	if (a.byteLength !== b.byteLength) return false;
	for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
	return true;
}

/** The first 8 bytes, enough to tell two digests apart in a log line. */
function hex(bytes: Uint8Array): string {
	let text = "";
	for (let i = 0; i < 8; i++) text += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
	return text + "…";
}
