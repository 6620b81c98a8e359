// Firmware updates on the device (src/update/firmware-updater.ts) through the unchanged firmware on the
// Node host: a receiver on loopback offers an image and sends it chunk by chunk as the device asks,
// the host's embedded:update writes the board's other OTA slot (hosttest/host/firmware-slots.ts), and
// only a whole image whose SHA-256 is the offered one is set to boot. A restart control, and a frame
// size that takes effect at the restart it asks for.

import { createHash, randomBytes } from "node:crypto";
import { afterEach, beforeEach, expect, it } from "vitest";
import type { Device } from "../../src/app/device";
import { encode } from "../../src/protocol/encoder";
import type { UpdateStatus } from "../../src/protocol/types";
import { reset } from "../host/firmware-slots";
import { boot } from "./boot";
import { deviceBoard, type DeviceBoard } from "./device-board";
import { TestReceiver } from "./test-receiver";

let device: Device | undefined;
let receiver: TestReceiver;
let board: DeviceBoard;
let restarts: number;
let lines: string[];

const IMAGE = randomBytes(50_000);
const KEY = randomBytes(32);
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest();

beforeEach(async () => {
	receiver = new TestReceiver();
	receiver.key = KEY; // updates go only to a camera that proved its key, signed for its connection
	restarts = 0;
	lines = [];
	board = deviceBoard({ port: await receiver.listen(), manifest: { key: Buffer.from(KEY).toString("hex") }, onRestart: () => restarts++, trace: (text) => lines.push(text) });
	device = await boot(board);
	await receiver.until(() => receiver.frames.length > 0); // welcomed, streaming
});

afterEach(async () => {
	device?.close();
	device = undefined;
	await receiver.close();
});

const statuses = () => receiver.messages.filter((message): message is UpdateStatus => message.type === "updateStatus");

async function nextStatus(): Promise<UpdateStatus> {
	const seen = statuses().length;
	await receiver.until(() => statuses().length > seen);
	return statuses()[seen];
}

interface Sending {
	connection?: number;
	sha?: Uint8Array;
	chunkSize?: number;
	/** What goes on the wire instead of the image's bytes at `offset`. */
	alter?: (offset: number, bytes: Uint8Array) => Uint8Array;
	/** Called with each status before the next chunk goes; returning false stops sending. */
	onStatus?: (status: UpdateStatus) => boolean;
}

/** Offers IMAGE and answers each status as a receiver does; returns the last status. */
async function send(options: Sending = {}): Promise<UpdateStatus> {
	const { connection = 1, chunkSize = 16_384 } = options;
	const answer = nextStatus();
	receiver.send(connection, offer(connection, IMAGE.byteLength, options.sha ?? sha256(IMAGE), chunkSize));
	for (let status = await answer; ; status = await nextStatus()) {
		if (status.state !== "ready" && status.state !== "written") return status;
		if (options.onStatus?.(status) === false) return status;
		const bytes = IMAGE.subarray(status.offset, status.offset + chunkSize);
		receiver.send(connection, encode({ type: "updateChunk", offset: status.offset, bytes: options.alter?.(status.offset, bytes) ?? bytes }));
	}
}

/** An update offer signed as the receiver of `connection` signs it. */
function offer(connection: number, size: number, sha: Uint8Array, chunkSize = 16_384, version = "9.9.9"): Uint8Array {
	return encode({ type: "updateOffer", size, chunkSize, sha256: sha, proof: receiver.signers.get(connection)!(sha, size, version), version });
}

const untouched = () => {
	expect(board.firmware!.boot).toBe(0);
	expect(board.firmware!.slots[1].image).toBeUndefined();
};

it("writes a whole image whose SHA-256 matches to the other slot, sets it to boot, and restarts into it", async () => {
	const written: number[] = [];
	const last = await send({ onStatus: (status) => written.push(status.offset) > 0 });
	expect(written).toEqual([0, 16_384, 32_768, 49_152]); // one chunk at a time, each asked for
	expect(last).toEqual({ type: "updateStatus", state: "verified", offset: IMAGE.byteLength, reason: "" });
	expect(board.firmware!.boot).toBe(1);
	expect(board.firmware!.slots[1]).toEqual({ image: new Uint8Array(IMAGE), state: "new" });
	expect(board.preferences.get("xscam")?.get("updatedTo")).toBe("9.9.9"); // its first start is a trial
	await receiver.until(() => lines.some((line) => line.includes("restarting: into firmware 9.9.9")));
	const again = nextStatus(); // another offer meanwhile is answered, not taken
	receiver.send(1, offer(1, IMAGE.byteLength, sha256(IMAGE), 16_384, "v".repeat(255)));
	expect(await again).toMatchObject({ state: "failed", reason: "already restarting into 9.9.9" });
	await new Promise((resolve) => setTimeout(resolve, 700)); // the restart waits for the status to leave
	expect(restarts).toBe(1);
	expect(reset(board.firmware!)).toEqual({ image: new Uint8Array(IMAGE), state: "pending" }); // the bootloader's next start
});

it("refuses an image whose bytes do not hash to the offered SHA-256, and keeps booting the running firmware", async () => {
	const last = await send({ alter: (offset, bytes) => (offset === 16_384 ? Uint8Array.from(bytes, (byte, i) => (i === 100 ? byte ^ 1 : byte)) : bytes) });
	expect(last).toMatchObject({ state: "failed", offset: IMAGE.byteLength, reason: expect.stringMatching(/^the image's SHA-256 is [0-9a-f]{16}…, not the offered [0-9a-f]{16}…$/) });
	untouched();
	await new Promise((resolve) => setTimeout(resolve, 700));
	expect(restarts).toBe(0);
	expect(receiver.frames.at(-1)!.connection).toBe(1); // still streaming on the same session
});

it("gives up a transfer cut halfway: nothing is set to boot, and after reconnecting a chunk without an offer is refused", async () => {
	await send({ onStatus: (status) => status.offset < 32_768 }); // two chunks written, then the receiver goes
	receiver.sockets[0].destroy();
	await receiver.until(() => receiver.connections === 2 && receiver.frames.some((frame) => frame.connection === 2));
	expect(lines.join("")).toContain("update to 9.9.9 given up at 32768 of 50000 bytes");
	untouched();
	receiver.send(2, encode({ type: "updateChunk", offset: 32_768, bytes: IMAGE.subarray(32_768, 49_152) }));
	expect(await nextStatus()).toMatchObject({ state: "failed", reason: "no update under way" });
	expect(restarts).toBe(0);
});

it("takes no offer that is not signed with its key for this connection: not another connection's, not another image's", async () => {
	const answer = nextStatus();
	const sign = receiver.signers.get(1)!;
	receiver.send(1, encode({ type: "updateOffer", size: IMAGE.byteLength, chunkSize: 16_384, sha256: sha256(IMAGE), proof: sign(sha256(randomBytes(8)), IMAGE.byteLength, "9.9.9"), version: "9.9.9" }));
	expect(await answer).toMatchObject({ state: "failed", reason: "the offer is not signed with this camera's key" });
	const proofOfConnection1 = sign(sha256(IMAGE), IMAGE.byteLength, "9.9.9");
	receiver.sockets[0].destroy();
	await receiver.until(() => receiver.signers.has(2));
	const replayed = nextStatus();
	receiver.send(2, encode({ type: "updateOffer", size: IMAGE.byteLength, chunkSize: 16_384, sha256: sha256(IMAGE), proof: proofOfConnection1, version: "9.9.9" }));
	expect(await replayed).toMatchObject({ state: "failed", reason: "the offer is not signed with this camera's key" });
	untouched();
});

it("refuses an image larger than its slot, and a chunk out of place, naming each", async () => {
	const answer = nextStatus();
	receiver.send(1, offer(1, board.firmware!.size + 1, sha256(IMAGE)));
	expect(await answer).toMatchObject({ state: "failed", reason: "an image of " + (board.firmware!.size + 1) + " bytes does not fit the update slot of " + board.firmware!.size });
	const last = await send({ onStatus: (status) => status.offset === 0 });
	expect(last.state).toBe("written");
	receiver.send(1, encode({ type: "updateChunk", offset: 20_000, bytes: IMAGE.subarray(20_000, 30_000) })); // skips 16384..20000
	expect(await nextStatus()).toMatchObject({ state: "failed", offset: 16_384, reason: "a chunk at 20000, expected 16384" });
	untouched();
});

it("restarts when the receiver asks, and a frame size chosen with it takes effect at that start", async () => {
	receiver.send(1, encode({ type: "control", requestId: 7, settings: { frameSize: "VGA", restart: "now" } }));
	await receiver.until(() => receiver.messages.some((message) => message.type === "controlResult"));
	expect(receiver.messages.find((message) => message.type === "controlResult")).toEqual({
		type: "controlResult", requestId: 7, applied: {}, pending: { frameSize: "VGA", restart: "now" }, refused: {},
	});
	await new Promise((resolve) => setTimeout(resolve, 700));
	expect(restarts).toBe(1);
	device!.close(); // what the restart does to the running firmware, on this board that waits to be booted again
	reset(board.firmware!);
	device = await boot(board);
	await receiver.until(() => receiver.messages.filter((message) => message.type === "hello").length === 2);
	expect(receiver.messages.filter((message) => message.type === "hello").at(-1)).toMatchObject({ width: 640, height: 480 });
});
