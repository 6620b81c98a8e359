// The host TCP socket, rule by rule, against reference/moddable-sdk.md §2.1 and §9 (items 1-6, 8, 13).
// A mock kinder than the device hides the bugs that matter, so each rule has its test.

import { createServer, type Server, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Board } from "./board";
import { until } from "../server/helpers/harness";
import { joinedBoard } from "./joined-board";
import Net from "./net";
import TCP, { RECEIVE_WINDOW, SEND_BUFFER } from "./tcp";

let server: Server;
let peers: Socket[];
let port: number;
let board: Board;
const sockets: InstanceType<typeof TCP>[] = [];

beforeEach(async () => {
	board = await joinedBoard();
	peers = [];
	server = createServer((socket) => peers.push(socket));
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	port = (server.address() as { port: number }).port;
});

afterEach(async () => {
	for (const socket of sockets.splice(0)) socket.close();
	for (const peer of peers) peer.destroy();
	await new Promise((resolve) => server.close(resolve));
});

type Events = { writable: number[]; readable: number[]; errors: number; thisValues: unknown[] };

function open(overrides: object = {}): { socket: InstanceType<typeof TCP>; events: Events } {
	const events: Events = { writable: [], readable: [], errors: 0, thisValues: [] };
	const socket = new TCP({
		address: "127.0.0.1", port,
		onWritable(count) { events.writable.push(count); events.thisValues.push(this); },
		onReadable(count) { events.readable.push(count); events.thisValues.push(this); },
		onError(...args: unknown[]) { events.errors++; events.thisValues.push(this); expect(args).toEqual([]); },
		...overrides,
	});
	sockets.push(socket);
	return { socket, events };
}


describe("host TCP", () => {
	it("takes an IPv4 literal only: a host name is an invalid address", () => {
		expect(() => new TCP({ address: "localhost", port })).toThrow("invalid address");
		expect(() => new TCP({ address: "256.1.1.1", port })).toThrow("invalid address");
		expect(() => new TCP({ address: "127.0.0.1", port: 70000 })).toThrow(RangeError);
		expect(() => new TCP({ address: "127.0.0.1" } as never)).toThrow("invalid");
	});

	it("cannot connect while the station has no IP (lwIP finds no route)", () => {
		board.radio.disconnect();
		expect(() => new TCP({ address: "127.0.0.1", port })).toThrow("connect error");
	});

	it("reads callbacks once, requires functions, copies target, and calls with this = the socket", async () => {
		expect(() => new TCP({ address: "127.0.0.1", port, onReadable: 5 as never })).toThrow("not a function");
		const calls: string[] = [];
		const options = {
			address: "127.0.0.1", port, target: "mine",
			onWritable(this: unknown) { calls.push(this === socket ? "original, this = socket" : "original"); },
		};
		const socket = new TCP(options);
		sockets.push(socket);
		options.onWritable = () => calls.push("replaced later"); // too late: read at construction
		expect(socket.target).toBe("mine");
		await until(() => calls.length === 1, "calls.length === 1");
		expect(calls).toEqual(["original, this = socket"]);
	});

	it("reports the whole send buffer once after connect, not after each write", async () => {
		const { socket, events } = open();
		await until(() => events.writable.length === 1, "events.writable.length === 1");
		expect(events.writable).toEqual([SEND_BUFFER]);
		expect(events.thisValues[0]).toBe(socket);
		expect(socket.write(new Uint8Array(100))).toBe(SEND_BUFFER - 100); // returns the space left
		expect(socket.write(new Uint8Array(100))).toBe(SEND_BUFFER - 200);
		await until(() => events.writable.length === 2, "events.writable.length === 2"); // later, once the data left: the total free space
		expect(events.writable[1]).toBe(SEND_BUFFER);
	});

	it("throws would block for a write larger than the free space, and writes nothing", async () => {
		const { socket, events } = open();
		await until(() => events.writable.length === 1, "events.writable.length === 1");
		expect(() => socket.write(new Uint8Array(SEND_BUFFER + 1))).toThrow("would block");
		await until(() => peers.length === 1, "peers.length === 1");
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(peers[0].bytesRead).toBe(0);
	});

	it("is not ready before it connects, and rejects what is not a buffer", () => {
		const { socket } = open();
		expect(() => socket.write(new Uint8Array(1))).toThrow("not ready");
		expect(() => socket.write("text" as never)).toThrow(TypeError);
	});

	it("returns undefined from read() when empty, and an ArrayBuffer of everything otherwise", async () => {
		const { socket, events } = open();
		expect(socket.read()).toBeUndefined();
		await until(() => peers.length === 1, "peers.length === 1");
		peers[0].write(Buffer.from("hello"));
		await until(() => events.readable.length === 1, "events.readable.length === 1");
		const data = socket.read();
		expect(data).toBeInstanceOf(ArrayBuffer);
		expect(Buffer.from(data!).toString()).toBe("hello");
		expect(socket.read()).toBeUndefined();
	});

	it("reads exactly n bytes or into a view, and throws for more than is there", async () => {
		const { socket, events } = open();
		await until(() => peers.length === 1, "peers.length === 1");
		peers[0].write(Buffer.from("abcdef"));
		await until(() => events.readable.length === 1, "events.readable.length === 1");
		expect(() => socket.read(7)).toThrow("invalid");
		expect(Buffer.from(socket.read(2)).toString()).toBe("ab");
		const view = new Uint8Array(3);
		expect(socket.read(view)).toBe(3);
		expect(Buffer.from(view).toString()).toBe("cde");
		expect(() => socket.read(new Uint8Array(2))).toThrow("invalid");
	});

	it("fires onReadable with the total buffered, only when new data arrives", async () => {
		const { events } = open();
		await until(() => peers.length === 1, "peers.length === 1");
		peers[0].write(Buffer.from("1234"));
		await until(() => events.readable.length === 1, "events.readable.length === 1");
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(events.readable).toEqual([4]); // unread data does not fire it again
		peers[0].write(Buffer.from("56"));
		await until(() => events.readable.length === 2, "events.readable.length === 2");
		expect(events.readable).toEqual([4, 6]);
	});

	it("stops the peer once the receive window is full of unread data", async () => {
		const { socket, events } = open();
		await until(() => peers.length === 1, "peers.length === 1");
		peers[0].write(Buffer.alloc(RECEIVE_WINDOW * 64));
		await new Promise((resolve) => setTimeout(resolve, 100));
		const buffered = events.readable[events.readable.length - 1];
		expect(buffered).toBeGreaterThanOrEqual(RECEIVE_WINDOW);
		expect(buffered).toBeLessThan(RECEIVE_WINDOW * 64);
		const before = events.readable.length;
		socket.read(); // room again: the peer's data flows and fires onReadable anew
		await until(() => events.readable.length > before, "events.readable.length > before");
	});

	it("reports a clean close by the peer as an error with no argument, after the data was read", async () => {
		const { socket, events } = open();
		await until(() => peers.length === 1, "peers.length === 1");
		peers[0].end(Buffer.from("last words"));
		await until(() => events.readable.length === 1, "events.readable.length === 1");
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(events.errors).toBe(0); // held back while data is unread
		socket.read();
		await until(() => events.errors === 1, "events.errors === 1");
		expect(() => socket.write(new Uint8Array(1))).toThrow("not ready"); // not closed for you, but done
	});

	it("is aborted when DHCP gives the station another address, reported after the data was read; a new one connects once that address is bound", async () => {
		board = await joinedBoard({ radio: { associateDelay: 0, dhcpDelay: 50 } });
		const { socket, events } = open();
		await until(() => peers.length === 1 && events.writable.length === 1, "peers.length === 1 && events.writable.length === 1");
		let peerClosed = false;
		peers[0].on("close", () => peerClosed = true);
		peers[0].write("before the renewal");
		await until(() => events.readable.length === 1, "events.readable.length === 1");
		board.radio.renewLease("192.168.4.7");
		expect(socket.write(new Uint8Array(1))).toBeUndefined(); // lwIP dropped it: nothing sent until the error is delivered
		expect(board.radio.connection).toBe(500); // the Wi-Fi does not say
		expect(Net.get("IP")).toBeUndefined();
		expect(() => new TCP({ address: "127.0.0.1", port })).toThrow("connect error"); // no address, no route
		await until(() => peerClosed, "peerClosed");
		await new Promise((resolve) => setTimeout(resolve, 20));
		expect(events.errors).toBe(0); // held back while data is unread
		expect(String.fromCharCode(...new Uint8Array(socket.read()!))).toBe("before the renewal");
		await until(() => events.errors === 1, "events.errors === 1");
		await until(() => Net.get("IP") === "192.168.4.7", "Net.get('IP') === '192.168.4.7'");
		const again = open();
		await until(() => again.events.writable.length === 1, "again.events.writable.length === 1");
	});

	it("reports a refused connection through onError", async () => {
		await new Promise((resolve) => server.close(resolve));
		server = createServer();
		await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
		const free = (server.address() as { port: number }).port;
		await new Promise((resolve) => server.close(resolve));
		server = createServer();
		server.listen(0);
		const { events } = open({ port: free });
		await until(() => events.errors === 1, "events.errors === 1");
		expect(events.writable).toEqual([]);
	});

	it("throws SyntaxError for any use after close, and close twice is harmless", async () => {
		const { socket } = open();
		socket.close();
		socket.close();
		expect(() => socket.read()).toThrow(SyntaxError);
		expect(() => socket.write(new Uint8Array(1))).toThrow(SyntaxError);
		expect(() => socket.format).toThrow(SyntaxError);
	});

	it("holds writes while the link is down and sends them when it returns", async () => {
		const { socket, events } = open();
		await until(() => events.writable.length === 1 && peers.length === 1, "events.writable.length === 1 && peers.length === 1");
		board.radio.disconnect();
		socket.write(Buffer.from("during the outage"));
		await new Promise((resolve) => setTimeout(resolve, 30));
		expect(peers[0].bytesRead).toBe(0);
		board.radio.connect("lab", "");
		let received = "";
		peers[0].on("data", (data) => received += data);
		await until(() => received === "during the outage", "received === 'during the outage'");
	});
});
