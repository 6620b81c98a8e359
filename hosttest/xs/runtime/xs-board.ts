// The simulated board inside the XS engine: hosttest/host/board.ts's Board, on which the very same host
// modules (camera.ts, tcp.ts, wifi.ts, …) run in XS as they run on Node. What is simulated in JS stays
// here (the radio, the preferences, the virtual clock); what needs Node (the sensor's JPEGs, the other
// end of each TCP connection, the trace console) crosses the bridge (bridge-types.ts): what needs no
// answer is posted and reaches Node with the crank's reply, a question is one synchronous issueCommand.
//
// A write is copied at once (natively: ArrayBuffer.prototype.slice is a memcpy XS does not meter by
// size), as lwIP copies it, and the wire acknowledges it in the next turn, so write() still reports the
// space left, as on the device, and a frame is written whole within the crank that captured it. Frame
// bytes are never copied by JS here: hold() slices natively, detach() is a native transfer(0), and the
// check that a frame came back unwritten compares natively.

import { flashedSlots } from "../../host/firmware-slots";
import { installBoard, newCameraCounts, newSensorRegisters, type Board, type Network, type Wire, type WireEvents } from "../../host/board";
import { Radio } from "../../host/radio";
import type { BridgeCall, Crank, PostedOp, XsBoardOptions, XsReport } from "../bridge-types";
import { VirtualClock } from "./virtual-clock";

/** The start compartment's side of issueCommand (runtime/boot.ts). */
export interface Bridge {
	/** Queues `op` (and its payload, which the caller gives up) for Node, in order; nothing waits. */
	post(op: PostedOp, payload?: ArrayBuffer): void;
	/** Asks Node, after everything posted so far; returns the answer. */
	call(question: BridgeCall): ArrayBuffer;
	/** call() with `payload` (given up) for Node; apart, so that the capture each frame makes checks nothing more. */
	callWith(question: BridgeCall, payload: ArrayBuffer): ArrayBuffer;
	/** Whether `held` holds exactly `bytes` (compared natively: no metered loop over the bytes). */
	equal(held: ArrayBuffer, bytes: Uint8Array): boolean;
	/** UTF-8 bytes to a string (TextDecoder, which the firmware's compartment does not have). */
	decode(bytes: Uint8Array): string;
}

export interface BoardControl {
	/** Delivers a crank from Node: its wire events, then the clock's step. Returns the crank's orders. */
	crank(command: ArrayBuffer): Crank;
	report(running: boolean): XsReport;
}

type Transferable = ArrayBuffer & { transfer(length?: number): ArrayBuffer };

export function startBoard(bridge: Bridge, options: XsBoardOptions): BoardControl {
	const clock = new VirtualClock(options.epoch);
	// The device's clock is the board's: Date is shared by every compartment of the engine.
	Date.now = () => clock.now();
	const radio = new Radio(clock, options.radio);
	for (const accessPoint of options.accessPoints) radio.addAccessPoint(accessPoint);
	const wires = new Map<number, WireEvents>();
	let wireCount = 0;

	const network: Network = {
		connect(address, port, events) {
			const id = ++wireCount;
			wires.set(id, events);
			let receiving = true;
			bridge.post({ op: "connect", wire: id, address, port });
			const wire: Wire = {
				write(bytes) {
					const buffer = bytes.buffer as ArrayBuffer;
					bridge.post({ op: "write", wire: id, length: bytes.byteLength }, buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
					const count = bytes.byteLength;
					clock.defer(() => { // acknowledged in the next turn, as the ESP32's lwIP does once the peer ACKs
						if (wires.has(id)) events.onSent(count);
					});
				},
				setReceiving(on) {
					if (on === receiving || !wires.has(id)) return;
					receiving = on;
					bridge.post({ op: "receiving", wire: id, receiving: on });
				},
				close() {
					if (!wires.delete(id)) return;
					bridge.post({ op: "close", wire: id });
				},
			};
			return wire;
		},
		datagrams() {
			return {
				send(bytes, address, port) {
					const buffer = bytes.buffer as ArrayBuffer;
					bridge.post({ op: "datagram", address, port, length: bytes.byteLength }, buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
				},
				close() {},
			};
		},
		resolve(host, callback) {
			const address = bridge.decode(new Uint8Array(bridge.call({ op: "resolve", host })));
			clock.defer(() => callback(address || undefined));
		},
	};

	const board: Board = {
		now: () => clock.now(),
		setTimer: (callback, ms) => clock.setTimer(callback, ms),
		clearTimer: (handle) => clock.clearTimer(handle),
		defer: (callback) => clock.defer(callback),
		trace: (text) => bridge.post({ op: "trace", text }),
		config: options.config,
		radio,
		network,
		sensor: {
			model: options.sensor.model,
			fps: () => options.sensor.fps,
			capture: (width, height, frame, time) => new Uint8Array(bridge.call({ op: "capture", width, height, frame, time })),
			registers: newSensorRegisters(),
		},
		frames: {
			hold: (bytes) => (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
			unchanged: (buffer, bytes) => bridge.equal(buffer, bytes),
			detach: (buffer) => void (buffer as Transferable).transfer(0),
		},
		cameraCounts: newCameraCounts(),
		preferences: new Map(),
		freeMemory: () => options.freeMemory,
		digest: (name, bytes) => new Uint8Array(bridge.callWith({ op: "digest", name }, (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))),
		tcpSendBuffer: options.tcpSendBuffer,
		firmware: flashedSlots(),
		restart: () => bridge.post({ op: "trace", text: "host: the firmware asked for a restart; the XS tier does not boot again\n" }),
	};
	installBoard(board);

	return {
		crank(command) {
			const jsonLength = new DataView(command).getUint32(0);
			const crank = JSON.parse(bridge.decode(new Uint8Array(command, 4, jsonLength))) as Crank;
			const data = 4 + jsonLength;
			for (const event of crank.events) {
				const events = wires.get(event.wire);
				if (!events) continue; // closed by the firmware meanwhile
				if (event.type === "connected") events.onConnected();
				else if (event.type === "data") events.onData(new Uint8Array(command, data + event.offset, event.length));
				else {
					wires.delete(event.wire);
					events.onClosed(event.error);
				}
			}
			clock.advance(crank.advance);
			return crank;
		},
		report: (running) => ({ now: clock.now(), running, cameraCounts: board.cameraCounts, sensor: board.sensor.registers, timers: clock.pending }),
	};
}
