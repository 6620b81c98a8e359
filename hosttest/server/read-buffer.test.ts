// The ingest read path (server/ingest/read-buffer.ts): every plain TCP connection reads into one buffer
// the receiver reuses, and the session copies each frame out of it once, into the buffer its viewers
// share. In process, a camera session is fed the way Node's `onread` feeds it: each read copied into
// the one buffer, handed over as a view, and the buffer scribbled over once the session returns, so
// anything that kept a view of it would show; a frame's own buffer is reused only once nobody kept the
// frame. Then the same over real TCP, through the listener; and the budget of a turn of the event loop,
// over real sockets that have more to read than it.
import { createHash } from "node:crypto";
import { once } from "node:events";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import pino from "pino";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { encode } from "../../src/protocol/encoder";
import type { Camera, ReceivedFrame } from "../../server/cameras/camera";
import { FrameBus } from "../../server/cameras/frame-bus";
import { lend, type Loan } from "../../server/cameras/reusable-frame";
import { CameraRegistry } from "../../server/cameras/registry";
import type { Core } from "../../server/core";
import { CameraSession, type CloseReason } from "../../server/ingest/camera-session";
import { READ_BUFFER_BYTES, ReadBuffer } from "../../server/ingest/read-buffer";
import { resolveOptions } from "../../server/options";
import { runs, split } from "../fuzz/arbitraries";
import { FakeCamera } from "./helpers/fake-camera";
import { startReceiver, syntheticJpeg, until, type Harness } from "./helpers/harness";
import { ManualClock } from "./helpers/manual-clock";
import { NO_KEYS } from "./helpers/test-keys";

const SCRIBBLE = 0xee;

/** What a session needs of the receiver (clock, options, registry, keys, frame bus, log), without sockets or HTTP. */
function sessionCore(clock: ManualClock): Core {
	const options = resolveOptions({ insecureCameras: true, maxCameras: 8 });
	return { options, clock, log: pino({ level: "silent" }), cameras: new CameraRegistry(options.maxCameras, clock), cameraKeys: NO_KEYS, frames: new FrameBus() } as Partial<Core> as Core;
}

/** One buffer of `readBytes`, shared by every connection as the listener's is. */
class ReusedReads {
	readonly clock = new ManualClock();
	readonly core = sessionCore(this.clock);
	readonly frames: Pick<ReceivedFrame, "jpeg">[] = [];
	readonly buffer: Uint8Array;

	/** `keepFrames`: every frame is kept (in `frames`), its bytes read at once as a viewer's are; else none is. */
	constructor(readBytes: number, keepFrames = true) {
		this.buffer = new Uint8Array(readBytes);
		if (keepFrames) this.core.frames.subscribe((_camera: Camera, frame) => void this.frames.push({ jpeg: frame.jpeg }));
	}

	/** A camera connection, admitted (a camera without a key, as --insecure-cameras allows). */
	connect(id: string): Connection {
		const connection = new Connection(this);
		connection.read(encode({ type: "hello", flags: 0, id, firmware: "1", board: "b", sensor: "s", width: 320, height: 240 }));
		return connection;
	}
}

class Connection {
	readonly session: CameraSession;
	closedWith: CloseReason | undefined;
	readonly #reads: ReusedReads;

	constructor(reads: ReusedReads) {
		this.#reads = reads;
		this.session = new CameraSession({ remote: "127.0.0.1:1", remoteAddress: "127.0.0.1", datagrams: undefined, write: () => {}, destroy: () => this.session.ended(undefined) },
			reads.core, { admitted: () => {}, closed: (_session, reason) => void (this.closedWith = reason) });
	}

	/** `bytes` as reads of the buffer's size (the last one shorter). */
	read(bytes: Uint8Array): void {
		for (let at = 0; at < bytes.byteLength; at += this.#reads.buffer.byteLength) this.readOnce(bytes.subarray(at, at + this.#reads.buffer.byteLength));
	}

	/** `bytes` as one read: into the shared buffer, a view of it to the session, then the buffer overwritten. */
	readOnce(bytes: Uint8Array): void {
		const buffer = this.#reads.buffer;
		buffer.set(bytes);
		this.session.received(buffer.subarray(0, bytes.byteLength));
		buffer.fill(SCRIBBLE);
	}
}

let seq = 0;
/** A frame message and its JPEG, the JPEG's filler telling frames apart (never 0xFF, nor the scribble). */
function frame(size: number, fill = 1 + (seq % 0xe0)): { bytes: Uint8Array; jpeg: Buffer } {
	const jpeg = syntheticJpeg(size, fill);
	return { jpeg, bytes: encode({ type: "frame", seq: seq++, captureTime: Date.UTC(2025, 10, 26, 12, 0, 0), width: 320, height: 240, jpeg }) };
}

describe("ingest through one reused read buffer", () => {
	it("takes a frame split across two reads at every boundary, and one read per byte", () => {
		const reads = new ReusedReads(512);
		const connection = reads.connect("split");
		const sent: Buffer[] = [];
		const { bytes: shape } = frame(300);
		for (let cut = 1; cut < shape.byteLength; cut++) {
			const { bytes, jpeg } = frame(300);
			connection.readOnce(bytes.subarray(0, cut));
			connection.readOnce(bytes.subarray(cut));
			sent.push(jpeg);
		}
		const { bytes, jpeg } = frame(300);
		for (let at = 0; at < bytes.byteLength; at++) connection.readOnce(bytes.subarray(at, at + 1));
		sent.push(jpeg);
		expect(reads.frames.map((taken) => taken.jpeg)).toEqual(sent);
		expect(connection.closedWith).toBeUndefined();
	});

	it("takes a frame in one read, and several frames in one read", () => {
		const reads = new ReusedReads(READ_BUFFER_BYTES);
		const connection = reads.connect("whole");
		const one = frame(1000);
		connection.readOnce(one.bytes);
		const three = [frame(100), frame(2000), frame(50)];
		connection.readOnce(Buffer.concat(three.map(({ bytes }) => bytes)));
		expect(reads.frames.map((taken) => taken.jpeg)).toEqual([one, ...three].map(({ jpeg }) => jpeg));
	});

	it("takes a frame larger than the read buffer, and the frames around it", () => {
		const reads = new ReusedReads(1024);
		const connection = reads.connect("large");
		const sent = [frame(100), frame(10_000), frame(100)];
		connection.read(Buffer.concat(sent.map(({ bytes }) => bytes))); // 11 reads, each frame's edges inside one
		expect(reads.frames.map((taken) => taken.jpeg)).toEqual(sent.map(({ jpeg }) => jpeg));
	});

	it("hands viewers a buffer of the frame's own: neither the read buffer nor changed by the frames after it", () => {
		const reads = new ReusedReads(4096);
		const connection = reads.connect("owned");
		const whole = frame(1000); // in one read: copied out of it
		const split = frame(6000); // across reads: assembled out of them
		connection.read(whole.bytes);
		connection.read(split.bytes);
		const [first, second] = reads.frames;
		for (let n = 0; n < 5; n++) connection.read(frame(3000).bytes);
		expect(first.jpeg).toEqual(whole.jpeg);
		expect(second.jpeg).toEqual(split.jpeg);
		for (const taken of reads.frames) expect(taken.jpeg.buffer).not.toBe(reads.buffer.buffer);
	});

	it("closes the connection that sends bad bytes, and only it: another's frame across the same buffer stays whole", () => {
		const reads = new ReusedReads(2048);
		const good = reads.connect("good");
		const bad = reads.connect("bad");
		const kept = frame(3000);
		good.readOnce(kept.bytes.subarray(0, 1000)); // 1. half of good's frame is held
		bad.readOnce(Buffer.concat([frame(100).bytes, Buffer.from("GET / HTTP/1.1\r\n\r\n")])); // 2. a frame, then garbage through the same buffer
		good.readOnce(kept.bytes.subarray(1000)); // 3. the rest of good's frame
		expect(bad.closedWith).toMatchObject({ code: "XSCAM_ERR_BAD_MAGIC", fault: true });
		expect(good.closedWith).toBeUndefined();
		expect(reads.frames.at(-1)!.jpeg).toEqual(kept.jpeg);
		expect(reads.core.cameras.get("good")!.presence.connection).toBe(good.session);
		expect(reads.core.cameras.get("bad")!.presence.connection).toBeUndefined();
	});
});

describe("a frame's buffer, reused once nobody kept the frame", () => {
	/** A connection whose frames are published to `hook` only (nothing else reads them), and a count of the frame buffers made. */
	function unwatched(hook: (frame: ReceivedFrame) => void) {
		const reads = new ReusedReads(4096, false);
		reads.core.frames.subscribe((_camera, frame) => hook(frame));
		const connection = reads.connect("unwatched");
		const made = vi.spyOn(Buffer, "allocUnsafeSlow"); // what frame-intake.ts makes a frame's buffer with
		return { reads, connection, made };
	}
	afterEach(() => void vi.restoreAllMocks());

	it("gives a frame nobody read to the frame after the next; a frame read is never reused, and reading a reused one throws", () => {
		const published: ReceivedFrame[] = [];
		const sent = Array.from({ length: 6 }, () => frame(40_000));
		let kept: Buffer | undefined;
		const { connection, made } = unwatched((taken) => {
			published.push(taken);
			if (published.length === 3) kept = taken.jpeg; // the third is kept, as a viewer keeps one
		});
		for (const { bytes } of sent) connection.read(bytes);
		// Made: the first two frames' buffers, and the fifth's (the third, which would have been free for it, was kept).
		// The third reuses the first's, the fourth the second's, the sixth the fourth's.
		expect(made).toHaveBeenCalledTimes(3);
		expect(kept).toEqual(sent[2].jpeg);
		expect(published[5].jpeg, "the latest frame").toEqual(sent[5].jpeg);
		for (const index of [0, 1, 3, 4]) expect(() => published[index].jpeg).toThrow("frame " + published[index].seq + "'s JPEG read after its buffer was reused");
	});

	it("keeps a lent frame's buffer until the loan comes back, as the recorder's queue does, then reuses it", () => {
		const published: ReceivedFrame[] = [];
		const loans: Loan[] = [];
		const sent = Array.from({ length: 4 }, () => frame(40_000));
		const { connection, made } = unwatched((taken) => {
			published.push(taken);
			if (published.length === 1) loans.push(lend(taken));
		});
		for (const { bytes } of sent.slice(0, 3)) connection.read(bytes);
		// The first is lent: the third cannot have its buffer, and gets a new one.
		expect(made).toHaveBeenCalledTimes(3);
		expect(loans[0].jpeg, "a lent frame's bytes, two frames on").toEqual(sent[0].jpeg);
		loans[0].release();
		loans[0].release(); // a second release changes nothing
		expect(() => published[0].jpeg).toThrow("read after its buffer was reused");
		connection.read(sent[3].bytes); // takes the first's buffer, given back
		expect(made).toHaveBeenCalledTimes(3);
		expect(published[3].jpeg).toEqual(sent[3].jpeg);
	});

	it("keeps a frame for good that someone read while it was lent, even after it was replaced", () => {
		const published: ReceivedFrame[] = [];
		let loan: Loan | undefined;
		const sent = Array.from({ length: 3 }, () => frame(40_000));
		const { connection } = unwatched((taken) => {
			published.push(taken);
			loan ??= lend(taken);
		});
		connection.read(sent[0].bytes);
		connection.read(sent[1].bytes); // the first is replaced while lent
		const late = published[0].jpeg; // read: kept after all
		loan!.release();
		connection.read(sent[2].bytes);
		expect(late).toEqual(sent[0].jpeg);
		expect(published[0].jpeg).toEqual(sent[0].jpeg);
	});

	it("holds every kept, lent and latest frame's bytes, whatever the reads, loans, cuts and reconnections (property)", () => {
		const step = fc.record({
			size: fc.integer({ min: 1000, max: 50_000 }),
			keep: fc.constantFrom("none", "read", "lend"),
			lendFor: fc.integer({ min: 0, max: 3 }), // frames until the loan comes back
			cuts: fc.array(fc.nat(), { maxLength: 3 }), // where the frame's bytes are split into reads
			cutOff: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // the connection ends halfway through this frame
			lateRead: fc.nat(), // an older frame read afterwards, against the rule
		});
		fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
			const published: ReceivedFrame[] = [];
			const { reads, connection: first } = unwatched((taken) => void published.push(taken));
			let connection = first;
			const expected: Buffer[] = []; // the JPEG of each frame published, in order
			const kept: { jpeg: Buffer; expected: Buffer }[] = [];
			const loans: { loan: Loan; expected: Buffer; until: number }[] = [];
			for (const { size, keep, lendFor, cuts, cutOff, lateRead } of steps) {
				const { bytes, jpeg } = frame(size);
				if (cutOff) {
					connection.read(bytes.subarray(0, bytes.byteLength >> 1));
					connection.session.ended(undefined);
					connection = reads.connect("unwatched");
					continue;
				}
				for (const piece of split(bytes, cuts)) connection.read(piece);
				expect(published).toHaveLength(expected.length + 1);
				expected.push(jpeg);
				const taken = published.at(-1)!;
				if (keep === "read") kept.push({ jpeg: taken.jpeg, expected: jpeg });
				if (keep === "lend") loans.push({ loan: lend(taken), expected: jpeg, until: expected.length + lendFor });
				for (const held of loans.filter(({ until }) => until <= expected.length)) {
					expect(held.loan.jpeg.equals(held.expected), "a loan's bytes until it is given back").toBe(true);
					held.loan.release();
					loans.splice(loans.indexOf(held), 1);
				}
				const old = lateRead % expected.length;
				let late: Buffer | undefined;
				try {
					late = published[old].jpeg;
				}
				catch (error) {
					expect((error as Error).message, "a late read that throws").toContain("read after its buffer was reused");
				}
				if (late !== undefined) expect(late.equals(expected[old]), "a late read gives the frame's own bytes").toBe(true);
			}
			for (const { jpeg, expected: bytes } of kept) expect(jpeg.equals(bytes), "a kept frame's bytes").toBe(true);
			for (const { loan, expected: bytes } of loans) expect(loan.jpeg.equals(bytes), "a loan's bytes").toBe(true);
			if (published.length > 0) expect(published.at(-1)!.jpeg.equals(expected.at(-1)!), "the latest frame's bytes").toBe(true);
		}), { numRuns: runs(60) });
	});

	it("never takes the buffer of a frame another connection made: the camera's latest from before it reconnected stays readable", () => {
		const published: ReceivedFrame[] = [];
		const reads = new ReusedReads(4096, false);
		reads.core.frames.subscribe((_camera, taken) => void published.push(taken));
		const before = reads.connect("moving");
		const last = frame(40_000);
		before.read(last.bytes);
		before.session.ended(undefined);
		reads.connect("moving").read(frame(40_000).bytes);
		expect(published[0].jpeg).toEqual(last.jpeg);
	});

	it("leaves a frame's buffer room for the next one a little larger, and makes a new one for a frame that does not fit", () => {
		const sizes = [40_000, 40_000, 44_000, 60_000, 40_000];
		const { connection, made } = unwatched(() => {});
		for (const size of sizes) connection.read(frame(size).bytes);
		// 40,000 bytes leave room for 45,000: the third fits in the first's buffer; the fourth does not fit the second's, which is let go;
		// the fifth fits the third's (the first's).
		expect(made).toHaveBeenCalledTimes(3);
		expect(made.mock.calls.map(([size]) => size)).toEqual([40_016, 40_016, 60_016].map((body) => Math.ceil(body * 1.125)));
	});
});

describe("ingest over TCP through the listener's read buffer", () => {
	let harness: Harness;
	afterEach(async () => {
		await harness?.close();
	});

	it("takes two cameras' frames, small and larger than the read buffer, byte for byte", async () => {
		harness = await startReceiver();
		const cameras = await Promise.all(["near", "far"].map(async (id) => (await FakeCamera.online(harness.ingestPort, id)).camera));
		const large = syntheticJpeg(READ_BUFFER_BYTES * 2 + 123, 0x22);
		const small = syntheticJpeg(700, 0x33);
		cameras.forEach((camera, i) => {
			camera.frame(i === 0 ? large : small);
			camera.frame(i === 0 ? small : large);
		});
		await until(() => ["near", "far"].every((id) => harness.receiver.status(id)?.frames.received === 2), "two frames from each");
		const snapshot = async (id: string) => Buffer.from(await (await fetch(harness.base + "/cameras/" + id + "/snapshot.jpg")).arrayBuffer());
		const [near, far] = [await snapshot("near"), await snapshot("far")];
		expect(near.equals(small)).toBe(true); // not toEqual: its diff of half a megabyte would take minutes
		expect(far.equals(large)).toBe(true);
		await Promise.all(cameras.map((camera) => camera.close()));
	});
});

describe("the read budget of a turn of the event loop", () => {
	const READ_BYTES = 16 * 1024;
	const BUDGET = 64 * 1024;
	const SENT_BYTES = 4 * 1024 * 1024; // per connection: far more than the kernel hands over in one read
	let server: Server | undefined;
	afterEach(() => void server?.close());

	it("stops reading once a turn has read its budget, and goes on in the next turn: every byte arrives, in order", async () => {
		const reads = new ReadBuffer(READ_BYTES, BUDGET);
		let turn = 0;
		let turning = true;
		const tick = () => {
			turn++;
			if (turning) setImmediate(tick);
		};
		setImmediate(tick); // a turn ends after its reads, in setImmediate's phase
		const readPerTurn = new Map<number, number>();
		const received: Array<ReturnType<typeof createHash>> = [];
		const ended: Array<Promise<unknown>> = [];
		server = createServer({ pauseOnConnect: true }, (accepted) => {
			const hash = createHash("sha256");
			received.push(hash);
			const socket = reads.adopt(accepted, (bytes) => {
				hash.update(bytes);
				readPerTurn.set(turn, (readPerTurn.get(turn) ?? 0) + bytes.byteLength);
			});
			ended.push(once(socket, "end"));
		});
		server.listen(0, "127.0.0.1");
		await once(server, "listening");
		const port = (server.address() as AddressInfo).port;
		const payloads = [0x41, 0x42].map((fill, n) => Buffer.alloc(SENT_BYTES, fill).fill(n, 0, 1));
		const senders: Socket[] = payloads.map(() => connect(port, "127.0.0.1"));
		await Promise.all(senders.map((sender) => once(sender, "connect")));
		senders.forEach((sender, n) => sender.end(payloads[n]));
		while (ended.length < 2) await once(server, "connection");
		await Promise.all(ended);
		turning = false;

		expect(received.map((hash) => hash.digest("hex")).sort()).toEqual(payloads.map((bytes) => createHash("sha256").update(bytes).digest("hex")).sort());
		const most = Math.max(...readPerTurn.values());
		expect(most).toBeGreaterThan(BUDGET); // the budget was reached,
		expect(most).toBeLessThanOrEqual(BUDGET + 2 * READ_BYTES); // and then each connection read once more at most
		expect(readPerTurn.size).toBeGreaterThanOrEqual((2 * SENT_BYTES) / (BUDGET + 2 * READ_BYTES));
	});
});
