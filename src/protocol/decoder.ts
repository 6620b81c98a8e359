// An incremental decoder (docs/protocol.md): push() bytes as they arrive, in chunks of any size; each
// complete message goes to onMessage. Every length is checked against its limit before anything is
// buffered, and at most one message is ever held. Bad input throws a coded error (errors.ts) and leaves
// the decoder clean for the next push, like mqtt-packet's parser. The bodies are messages.ts's.

import { HEADER_BYTES, MAGIC_0, MAGIC_1, SERVER_TO_DEVICE, VERSION } from "./constants";
import { protocolError } from "./errors";
import { CODECS, NAME_OF_TYPE, type Codec, type Message, type MessageName } from "./messages";

export interface DecoderOptions<M extends Message> {
	/** Whose messages this decoder reads: "device" on the receiver, "server" on the device. */
	from: "device" | "server";
	/** Largest body accepted, checked before buffering; `limit` changes it between messages. */
	maxBodyBytes: number;
	onMessage: (message: M) => void;
	/**
	 * Frames are delivered in a buffer the receiver of onMessage owns: the bytes the decoder assembled a
	 * frame in, or, for a frame that came whole in one chunk, one copy of it. Without this, a frame's
	 * JPEG may be a view of the chunk, valid only during the callback.
	 */
	ownFrames?: boolean;
	/**
	 * Makes the buffer a body that spans chunks is assembled in; every byte of it is written before the
	 * message is delivered. The default, `new Uint8Array`, zero-fills it first.
	 */
	allocate?: (byteLength: number) => Uint8Array;
	/**
	 * The same for a frame's body, and an owned frame's copy; the default is `allocate`. The receiver's
	 * neither zero-fills (its one copy of a frame is its one pass over the bytes) nor allocates anew when
	 * it can reuse a frame's buffer nobody kept.
	 */
	allocateFrame?: (byteLength: number) => Uint8Array;
}

export class Decoder<M extends Message = Message> {
	/** Largest body accepted from the next header on; onMessage may change it for the message after. */
	limit: number;
	readonly #fromServer: boolean;
	readonly #ownFrames: boolean;
	readonly #onMessage: (message: M) => void;
	readonly #allocate: (byteLength: number) => Uint8Array;
	readonly #allocateFrame: (byteLength: number) => Uint8Array;
	readonly #head = new Uint8Array(HEADER_BYTES);
	readonly #headView = new DataView(this.#head.buffer);
	#headFill = 0;
	#codec: Codec<Message> | undefined; // set while reading a body
	#body: Uint8Array | undefined; // a body that spans chunks, assembled here
	#bodyLength = 0;
	#bodyFill = 0;

	constructor(options: DecoderOptions<M>) {
		this.#fromServer = options.from === "server";
		this.limit = options.maxBodyBytes;
		this.#ownFrames = options.ownFrames === true;
		this.#onMessage = options.onMessage;
		this.#allocate = options.allocate ?? ((byteLength) => new Uint8Array(byteLength));
		this.#allocateFrame = options.allocateFrame ?? this.#allocate;
	}

	/**
	 * Decodes `chunk` (not kept after return unless a message spans chunks, then its bytes are copied).
	 * Returns how many bytes of a partial message are held. Throws a ProtocolError on bad input.
	 */
	push(chunk: Uint8Array): number {
		let offset = 0;
		try {
			while (offset < chunk.byteLength) {
				if (this.#codec === undefined) {
					const take = Math.min(HEADER_BYTES - this.#headFill, chunk.byteLength - offset);
					this.#head.set(chunk.subarray(offset, offset + take), this.#headFill);
					this.#headFill += take;
					offset += take;
					if (this.#headFill < HEADER_BYTES) break;
					this.#readHeader();
					if (this.#bodyLength > chunk.byteLength - offset) {
						this.#body = (this.#codec === CODECS.frame ? this.#allocateFrame : this.#allocate)(this.#bodyLength);
						this.#bodyFill = 0;
					}
					else { // whole body in this chunk: decode a view of it (or one copy, for a frame to own)
						const end = offset + this.#bodyLength;
						const view = chunk.subarray(offset, end);
						const body = this.#ownFrames && this.#codec === CODECS.frame ? this.#copy(view) : view;
						offset = end;
						this.#deliver(body);
					}
				}
				else {
					const body = this.#body!;
					const take = Math.min(this.#bodyLength - this.#bodyFill, chunk.byteLength - offset);
					body.set(chunk.subarray(offset, offset + take), this.#bodyFill);
					this.#bodyFill += take;
					offset += take;
					if (this.#bodyFill === this.#bodyLength) this.#deliver(body);
				}
			}
		}
		catch (error) {
			this.reset();
			throw error;
		}
		return this.#headFill + this.#bodyFill;
	}

	/** Forgets any partial message (a new connection starts with a new stream). */
	reset(): void {
		this.#headFill = 0;
		this.#codec = undefined;
		this.#body = undefined;
		this.#bodyLength = 0;
		this.#bodyFill = 0;
	}

	/** An owned frame's copy (only frames are copied). Not slice(): a Buffer's is a view. */
	#copy(view: Uint8Array): Uint8Array {
		const copy = this.#allocateFrame(view.byteLength);
		copy.set(view);
		return copy;
	}

	#readHeader(): void {
		const head = this.#head;
		if (head[0] !== MAGIC_0 || head[1] !== MAGIC_1)
			throw protocolError("XSCAM_ERR_BAD_MAGIC", "got 0x" + hex(head[0]) + hex(head[1]));
		if (head[2] !== VERSION) throw protocolError("XSCAM_ERR_BAD_VERSION", "got " + head[2] + ", speak " + VERSION);
		const name: MessageName | undefined = NAME_OF_TYPE[head[3]];
		if (name === undefined) throw protocolError("XSCAM_ERR_BAD_TYPE", "0x" + hex(head[3]));
		if (((head[3] & SERVER_TO_DEVICE) !== 0) !== this.#fromServer)
			throw protocolError("XSCAM_ERR_WRONG_DIRECTION", name + " from the " + (this.#fromServer ? "server" : "device"));
		const codec = CODECS[name] as Codec<Message>;
		const length = this.#headView.getUint32(4);
		const [min, max] = codec.body;
		const limit = Math.min(max, this.limit);
		if (length > limit) throw protocolError("XSCAM_ERR_TOO_LARGE", name + " body of " + length + " bytes, limit " + limit);
		if (length < min) throw protocolError("XSCAM_ERR_BAD_BODY", name + " body of " + length + " bytes, needs " + min);
		this.#codec = codec;
		this.#bodyLength = length;
	}

	#deliver(body: Uint8Array): void {
		const message = this.#codec!.read(body, new DataView(body.buffer, body.byteOffset, body.byteLength)) as M;
		this.reset(); // before the callback: it may push again, change the limit, or throw
		this.#onMessage(message);
	}
}

function hex(byte: number): string {
	return (byte < 16 ? "0" : "") + byte.toString(16);
}
