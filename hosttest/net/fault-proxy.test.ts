// The fault proxy's own rules: bytes pass whole and in order whatever the faults, a delay and a cap hold
// bytes back by at least their amount (lower bounds: a slow machine only adds), and a blackhole moves
// nothing while the connection stays open.

import { createServer, connect, type Server, type Socket } from "node:net";
import { afterEach, expect, it } from "vitest";
import { FaultProxy } from "./fault-proxy";

let server: Server;
let proxy: FaultProxy;
let sockets: Socket[] = [];
afterEach(async () => {
	for (const socket of sockets) socket.destroy();
	sockets = [];
	await proxy.close();
	await new Promise((resolve) => server.close(resolve));
});

/** A target that collects what arrives, and a client connected to it through a proxy with `faults`. */
async function through(faults: FaultProxy["faults"]): Promise<{ client: Socket; received: Buffer[]; arrived: () => Buffer }> {
	const received: Buffer[] = [];
	server = createServer((socket) => {
		sockets.push(socket);
		socket.on("data", (data) => received.push(data));
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
	proxy = new FaultProxy((server.address() as { port: number }).port, faults);
	const port = await proxy.listen();
	const client = await new Promise<Socket>((resolve) => {
		const socket = connect(port, "127.0.0.1", () => resolve(socket));
	});
	sockets.push(client);
	return { client, received, arrived: () => Buffer.concat(received) };
}

const until = async (condition: () => boolean) => {
	while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
};
const counting = (size: number) => Buffer.from(Array.from({ length: size }, (_, n) => n % 251));

it("passes every byte whole and in order through delay and loss, a lost chunk holding back those behind it", async () => {
	const { client, arrived } = await through({ delayMs: 20, loss: 0.2 });
	const sent = counting(200_000);
	for (let at = 0; at < sent.byteLength; at += 10_000) client.write(sent.subarray(at, at + 10_000));
	await until(() => arrived().byteLength === sent.byteLength);
	expect(arrived().equals(sent)).toBe(true);
	expect(proxy.lost).toBeGreaterThan(0);
});

it("holds a chunk back by the delay at least", async () => {
	const { client, arrived } = await through({ delayMs: 300 });
	const start = Date.now();
	client.write(counting(10));
	await until(() => arrived().byteLength === 10);
	expect(Date.now() - start).toBeGreaterThanOrEqual(300);
});

it("takes at least size / rate to carry bytes under a cap", async () => {
	const { client, arrived } = await through({ bytesPerSecond: 100_000 });
	const start = Date.now();
	client.write(counting(50_000));
	await until(() => arrived().byteLength === 50_000);
	expect(Date.now() - start).toBeGreaterThanOrEqual(500 - 5); // timers may fire a millisecond early
	expect(proxy.delivered(1)).toBe(50_000);
});

it("moves nothing through a blackhole, which stays open: the sender's writes pile up in its own socket", async () => {
	const { client, arrived } = await through({});
	client.write(counting(1000));
	await until(() => arrived().byteLength === 1000);
	proxy.stall(1);
	const chunk = counting(64 * 1024);
	for (let n = 0; n < 200; n++) client.write(chunk); // 12.8 MB, more than the kernel's buffers on the way
	await new Promise((resolve) => setTimeout(resolve, 500));
	expect(arrived().byteLength).toBe(1000); // nothing moved
	expect(client.writableLength).toBeGreaterThan(0); // the sender's writes did not drain
	expect(client.destroyed).toBe(false); // and the connection is still open
});
