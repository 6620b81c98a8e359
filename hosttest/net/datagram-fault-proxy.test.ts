// The UDP fault proxy's own rules (datagram-fault-proxy.ts): a seeded share of datagrams lost, the rest
// passed on whole and in order no sooner than the delay, and behind a cap a router's tail drop.

import { createSocket, type Socket } from "node:dgram";
import { afterEach, expect, it } from "vitest";
import { until } from "../server/helpers/harness";
import { DatagramFaultProxy, type DatagramFaults } from "./datagram-fault-proxy";

let proxy: DatagramFaultProxy | undefined;
const sockets: Socket[] = [];
afterEach(() => {
	proxy?.close();
	for (const socket of sockets.splice(0)) socket.close();
});

async function through(faults: DatagramFaults) {
	const target = createSocket("udp4");
	sockets.push(target);
	const arrived: { at: number; bytes: Buffer }[] = [];
	target.on("message", (bytes) => arrived.push({ at: Date.now(), bytes }));
	await new Promise<void>((resolve) => target.bind(0, "127.0.0.1", () => resolve()));
	proxy = new DatagramFaultProxy({ address: "127.0.0.1", port: target.address().port }, faults);
	const port = await proxy.listen("127.0.0.1");
	const sender = createSocket("udp4");
	sockets.push(sender);
	const send = (bytes: Buffer) => new Promise<void>((resolve) => sender.send(bytes, port, "127.0.0.1", () => resolve()));
	return { arrived, send, proxy };
}

it("loses its share of datagrams and passes the rest whole, in order, no sooner than the delay", async () => {
	const { arrived, send, proxy } = await through({ loss: 0.2, delayMs: 30 });
	const sentAt = Date.now();
	for (let i = 0; i < 200; i++) await send(Buffer.from([i >> 8, i & 0xff, 0xaa]));
	await until(() => proxy.forwarded + proxy.dropped === 200 && arrived.length === proxy.forwarded, "every datagram passed or dropped");
	expect(proxy.dropped).toBeGreaterThan(20); // 40 expected of 200; the seed makes it the same every run
	expect(proxy.dropped).toBeLessThan(60);
	const numbers = arrived.map(({ bytes }) => bytes.readUInt16BE(0));
	expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
	expect(arrived.every(({ bytes }) => bytes.byteLength === 3 && bytes[2] === 0xaa)).toBe(true);
	expect(arrived[0].at - sentAt).toBeGreaterThanOrEqual(30 - 1); // timers may fire a millisecond early by Date.now()'s rounding
});

it("behind a cap, queues as a router does and drops what would overflow its buffer", async () => {
	const { send, proxy } = await through({ bytesPerSecond: 10_000 });
	// 80 KB at once against a 64 KB buffer drained at 10 KB/s (fewer would not overflow it; more, the kernel's own receive buffer)
	for (let i = 0; i < 80; i++) await send(Buffer.alloc(1000, i));
	await until(() => proxy.dropped + proxy.waiting + proxy.forwarded === 80, "every datagram taken in");
	expect(proxy.dropped).toBeGreaterThanOrEqual(10);
	expect(proxy.dropped).toBeLessThanOrEqual(20);
});
