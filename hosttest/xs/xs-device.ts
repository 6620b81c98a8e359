// The unchanged firmware running in the XS engine, driven from a test: XsDevice.boot() starts an
// xsnap-worker, links the firmware and the host modules in it (runtime/boot.ts), and calls main().
// Then the test moves the board's virtual clock one crank at a time with advance(ms); each crank returns
// the engine's exact computrons and live slot count. What the firmware does outside XS lands here:
// trace() text, sensor captures (the test's `sensor`), and TCP connections (the test's `network`).

import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { ConfigSource } from "../host/board";
import type { AccessPointOptions, RadioOptions } from "../host/radio";
import type { BridgeCall, Crank, PostedOp, Posting, WireEvent, XsBoardOptions, XsReport } from "./bridge-types";
import { bundle, FIRMWARE_ENTRY } from "./bundle";
import type { BootSpec } from "./runtime/boot";
import { NO_NETWORK, type PeerConnection, type XsNetwork } from "./xs-network";
import { XsWorker, type Meter } from "./xsnap-worker";

/** Built by scripts/build-xs.mjs (which names the same path), in the tier's globalSetup. */
export const XSNAP_WORKER = fileURLToPath(new URL("../../build/xs/xsnap-worker", import.meta.url));

/** 2026-01-01T00:00:00Z: Date.now() at power-up, so every run sees the same times. */
const EPOCH = 1_767_225_600_000;

export interface XsSensor {
	model?: string;
	/** Frames per second the sensor captures. */
	fps: number;
	/** The JPEG of frame `frameNumber` (from 1). */
	capture(width: number, height: number, frameNumber: number, time: number): Uint8Array;
}

export interface XsDeviceOptions {
	config: ConfigSource;
	accessPoints?: AccessPointOptions[];
	radio?: RadioOptions;
	sensor: XsSensor;
	/** The other end of the firmware's connections; by default nothing listens. */
	network?: XsNetwork;
	/** Free heap to report; absent acts as a release build. */
	freeMemory?: number;
	/** The TCP send buffer; the ESP32's 8 KB when absent. */
	tcpSendBuffer?: number;
	/** The firmware's entry point (src/main.ts). */
	entry?: string;
	/** Computrons one crank may use before the engine is stopped. */
	meteringLimit?: number;
	onTrace?: (text: string) => void;
}

interface WireState {
	peer: PeerConnection;
	receiving: boolean;
	/** Events for XS, data copied; sent at the next crank. */
	queue: { event: WireEvent; bytes?: Uint8Array }[];
}

export class XsDevice {
	readonly worker: XsWorker;
	/** Everything the firmware traced. */
	trace = "";
	/** The board's clock, ms. */
	now = EPOCH;
	readonly #options: XsDeviceOptions;
	readonly #network: XsNetwork;
	readonly #wires = new Map<number, WireState>();

	private constructor(options: XsDeviceOptions) {
		this.#options = options;
		this.#network = options.network ?? NO_NETWORK;
		this.worker = new XsWorker({
			path: XSNAP_WORKER, meteringLimit: options.meteringLimit ?? 100_000_000,
			handleCommand: (bytes) => this.#command(bytes),
		});
	}

	/** Starts the engine and the firmware in it, as a device boots. */
	static async boot(options: XsDeviceOptions): Promise<XsDevice> {
		const { modules, boot } = await bundle(options.entry ?? FIRMWARE_ENTRY);
		const board: XsBoardOptions = {
			config: options.config, accessPoints: options.accessPoints ?? [], radio: options.radio ?? {},
			sensor: { model: options.sensor.model ?? "OV2640", fps: options.sensor.fps }, freeMemory: options.freeMemory, tcpSendBuffer: options.tcpSendBuffer, epoch: EPOCH,
		};
		const spec: BootSpec = { modules, board };
		const device = new XsDevice(options);
		try {
			await device.worker.evaluate(boot);
			device.#posting((await device.worker.evaluate("xscam.boot(" + JSON.stringify(spec) + ")")).result);
		}
		catch (error) {
			await device.worker.close();
			throw explained(error as Error);
		}
		return device;
	}

	/** One crank: pending network events reach the firmware, then its clock moves on by `ms`. */
	async advance(ms: number): Promise<Meter> {
		return (await this.#deliver({ advance: ms })).meter;
	}

	/** Runs the clock for `ms` in steps of `step`; returns each crank's meter. */
	async run(ms: number, step: number): Promise<Meter[]> {
		const meters: Meter[] = [];
		for (let elapsed = 0; elapsed < ms; elapsed += step) meters.push(await this.advance(step));
		return meters;
	}

	/** The board's counts, in a crank that does not move the clock. */
	async report(): Promise<XsReport> {
		return (await this.#deliver({ advance: 0, report: true })).report!;
	}

	/** Live slots after a full garbage collection, in a crank that does not move the clock. */
	async slotsAfterGc(): Promise<number> {
		return (await this.#deliver({ advance: 0, gc: true })).meter.currentHeapCount;
	}

	/**
	 * Closes the device (as the hosts do at the end of a test) and quits the engine; returns its stderr.
	 * Throws what the device's close() threw in XS, unless the engine had already gone (that failure
	 * was reported where it happened).
	 */
	async close(): Promise<string> {
		let failure: Error | undefined;
		if (this.worker.running) {
			await this.worker.evaluate("xscam.close()").then(({ result }) => void this.#posting(result), (error: Error) => void (failure = error));
		}
		for (const wire of this.#wires.values()) wire.peer.close();
		this.#wires.clear();
		await this.worker.close();
		if (failure) throw explained(failure);
		return this.worker.stderr;
	}

	/** An issueCommand from XS: a Posting (bridge-types.ts) whose call, if any, is answered. */
	#command(bytes: Uint8Array): Uint8Array | string | void {
		const { call, rest } = this.#posting(bytes);
		if (call) return this.#answer(call, rest);
	}

	/** Carries out what XS posted, in order; returns the posting's JSON and the bytes after the posted payloads. */
	#posting(bytes: Uint8Array): Posting & { rest: Uint8Array } {
		const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const jsonLength = view.readUInt32BE(0);
		const posting = JSON.parse(view.toString("utf8", 4, 4 + jsonLength)) as Posting;
		let offset = 4 + jsonLength;
		for (const op of posting.posted) {
			if (op.op === "write" || op.op === "datagram") {
				this.#carryOut(op, bytes.subarray(offset, offset + op.length));
				offset += op.length;
			}
			else this.#carryOut(op);
		}
		return { ...posting, rest: bytes.subarray(offset) };
	}

	#carryOut(op: PostedOp, payload?: Uint8Array): void {
		switch (op.op) {
			case "trace":
				this.trace += op.text;
				this.#options.onTrace?.(op.text);
				return;
			case "connect":
				this.#connect(op.wire, op.address, op.port);
				return;
			case "write":
				this.#wires.get(op.wire)?.peer.write(payload!);
				return;
			case "datagram":
				this.#network.datagram?.(payload!, op.address, op.port);
				return;
			case "receiving": {
				const wire = this.#wires.get(op.wire);
				if (wire) wire.receiving = op.receiving;
				return;
			}
			case "close": {
				const wire = this.#wires.get(op.wire);
				this.#wires.delete(op.wire);
				wire?.peer.close();
				return;
			}
		}
	}

	#answer(call: BridgeCall, payload: Uint8Array): Uint8Array | string {
		switch (call.op) {
			case "capture":
				return this.#options.sensor.capture(call.width, call.height, call.frame, call.time);
			case "resolve":
				return this.#network.resolve?.(call.host) ?? "";
			case "digest":
				return createHash(call.name.toLowerCase()).update(payload).digest();
		}
	}

	#connect(id: number, address: string, port: number): void {
		const queue: WireState["queue"] = [];
		let closed = false;
		const post = (event: WireEvent, bytes?: Uint8Array) => {
			if (closed) return;
			if (event.type === "closed") closed = true;
			queue.push({ event, bytes });
		};
		const peer = this.#network.connect(address, port, {
			connected: () => post({ wire: id, type: "connected" }),
			data: (bytes) => post({ wire: id, type: "data", offset: 0, length: bytes.byteLength }, Uint8Array.from(bytes)),
			closed: (error) => post({ wire: id, type: "closed", error }),
		});
		this.#wires.set(id, { peer, receiving: true, queue });
	}

	async #deliver(orders: Omit<Crank, "events">): Promise<{ meter: Meter; report?: XsReport }> {
		this.#network.tick?.(this.now);
		const { meter, result } = await this.worker.deliver(this.#crank(orders)).catch((error: Error) => {
			throw explained(error);
		});
		const { report } = this.#posting(result);
		this.now += orders.advance;
		return { meter, report };
	}

	/** The crank's message: its JSON, then the bytes of its data events (runtime/xs-board.ts reads it). */
	#crank(orders: Omit<Crank, "events">): Buffer {
		const events: WireEvent[] = [];
		const chunks: Uint8Array[] = [];
		let offset = 0;
		for (const [id, wire] of this.#wires) {
			while (wire.queue.length && (wire.receiving || wire.queue[0].event.type !== "data")) {
				const { event, bytes } = wire.queue.shift()!;
				if (bytes) {
					events.push({ ...event, offset } as WireEvent);
					chunks.push(bytes);
					offset += bytes.byteLength;
				}
				else events.push(event);
				if (event.type === "closed") this.#wires.delete(id);
			}
		}
		const crank: Crank = { events, ...orders };
		const json = Buffer.from(JSON.stringify(crank), "utf8");
		const head = Buffer.alloc(4);
		head.writeUInt32BE(json.byteLength);
		return Buffer.concat([head, json, ...chunks]);
	}
}

/** XS names the function, not the method, when a call finds no function: say what that usually means. */
function explained(error: Error): Error {
	if (!/: no function$/m.test(error.message)) return error;
	return new Error(error.message + "\n(XS calls something that is not a function there: often a method XS lacks, such as an ES2023+ one like toSorted; src/ must keep to ES2022)");
}
