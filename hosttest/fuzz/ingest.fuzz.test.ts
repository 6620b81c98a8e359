// The ingest port of a receiver that requires keys (its default), fuzzed over real sockets while a
// real camera streams: streams of valid messages (hellos with that camera's id among them, frames,
// answers to a challenge nobody saw), mutated and cut anywhere, from connections that never prove a
// key. Whatever they send, the receiver stays up, no frame of theirs is taken, the camera table holds
// only the real camera, every such connection is gone by the hello timeout, and the real camera's
// frames still arrive.
import fc from "fast-check";
import { connect } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { FakeCamera } from "../server/helpers/fake-camera";
import { startReceiver, syntheticJpeg, until } from "../server/helpers/harness";
import type { Harness } from "../server/helpers/harness";
import { deviceMessage, mutate, mutation, runs, split, streamOf } from "./arbitraries";

const HELLO_TIMEOUT = 5000;
let harness: Harness;
let real: FakeCamera;
beforeAll(async () => {
	// Pings far apart: the clock moves a hello timeout per intruder, and the real camera (which answers no ping) must not fall silent.
	harness = await startReceiver({ helloTimeoutMs: HELLO_TIMEOUT, pingIntervalMs: 3600_000, maxBodyBytes: 64 * 1024 });
	real = (await FakeCamera.online(harness.ingestPort, "porch")).camera;
});
afterAll(async () => {
	await real?.close();
	await harness?.close();
});

/** Sends `chunks` on a new connection, then waits until the receiver has closed it (advancing the clock past the hello timeout if it must). */
async function intrude(chunks: Uint8Array[]): Promise<void> {
	const socket = connect(harness.ingestPort, "127.0.0.1");
	socket.on("error", () => {}); // a reset when the receiver closes first
	socket.on("data", () => {}); // challenges and errors: read and ignored
	let closed = false;
	socket.once("close", () => (closed = true));
	await new Promise((resolve) => socket.once("connect", resolve));
	for (const chunk of chunks) socket.write(chunk);
	await until(() => closed || socket.writableLength === 0, "the intruder's bytes to go");
	for (let turn = 0; turn < 50 && !closed; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
	if (!closed) harness.clock.advance(HELLO_TIMEOUT);
	await until(() => closed, "the receiver to close the intruder");
}

const framesOfPorch = () => harness.receiver.status("porch")!.frames.received;
const unadmitted = () => (harness.receiver.registry.getSingleMetric("xscam_ingest_unadmitted") as { get(): Promise<{ values: { value: number }[] }> }).get();

it("admits nothing and takes no frame from connections that do not prove a key, and the real camera streams on", async () => {
	const frames = framesOfPorch();
	// Hellos get the real camera's id half the time: an impostor is the case that matters most.
	const stream = fc.array(deviceMessage(8 * 1024).map((message) => message.type === "hello" && message.id.length % 2 === 0 ? { ...message, id: "porch" } : message),
		{ minLength: 1, maxLength: 6 });
	await fc.assert(fc.asyncProperty(stream, fc.array(mutation, { maxLength: 3 }), fc.array(fc.nat(), { maxLength: 4 }), async (messages, mutations, cuts) => {
		await intrude(split(mutate(streamOf(messages), mutations), cuts));
		expect(harness.receiver.list().map((camera) => camera.id)).toEqual(["porch"]);
		expect(harness.receiver.status("porch")!.online).toBe(true);
		expect(framesOfPorch()).toBe(frames);
	}), { numRuns: runs(25, 0.001) });

	expect((await unadmitted()).values[0].value).toBe(0);
	real.frame(syntheticJpeg(800));
	await until(() => framesOfPorch() === frames + 1, "the real camera's next frame");
}, 600_000);
