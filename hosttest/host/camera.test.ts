// The host camera, rule by rule, against reference/moddable-sdk.md §1.3-1.7 and §9 (items 9-13): a pool
// of three that stalls, the oldest frame first, onReadable(0), read-only disposable frames, sizes that
// snap, a first frame captured by the constructor, SyntaxError after close().

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DisposableFrame } from "embedded:io/image/in/camera";
import type { Board } from "./board";
import Camera from "./camera";
import { joinedBoard } from "./joined-board";

let board: Board;
let frameNumbers: number[];

beforeEach(async () => {
	board = await joinedBoard({
		sensor: {
			fps: () => 10,
			capture: (_width, _height, frameNumber) => {
				frameNumbers.push(frameNumber);
				return Uint8Array.of(0xff, 0xd8, frameNumber, 0xff, 0xd9);
			},
		},
	});
	frameNumbers = [];
	vi.useFakeTimers();
});

afterEach(() => {
	vi.useRealTimers();
});

function camera(overrides: object = {}) {
	const calls: number[] = [];
	const created = new Camera({
		imageType: "jpeg", format: "buffer/disposable",
		onReadable(count) { calls.push(count); },
		...overrides,
	});
	return { camera: created, calls };
}

const read = (cam: InstanceType<typeof Camera>) => cam.read() as DisposableFrame | undefined;
const numberOf = (frame: DisposableFrame) => new Uint8Array(frame)[2];

describe("host camera", () => {
	it("snaps the size to the driver's table, defaulting to 240x176", () => {
		expect([camera().camera.width, camera().camera.height]).toEqual([240, 176]);
		const odd = camera({ width: 700, height: 500 }).camera;
		expect([odd.width, odd.height]).toEqual([720, 1280]); // the first entry at least 700 wide: portrait P_HD
		const vga = camera({ width: 640, height: 480 }).camera;
		expect([vga.width, vga.height]).toEqual([640, 480]);
		expect(() => camera({ width: 5000, height: 10 })).toThrow("unsupported dimensions");
	});

	it("refuses what the SDK refuses", () => {
		expect(() => camera({ imageType: "png" })).toThrow(RangeError);
		expect(() => camera({ format: "buffer/other" })).toThrow("invalid format");
		expect(() => camera({ onReadable: 1 })).toThrow("not a function");
	});

	it("sees only own options: a callback on a prototype is lost, as with camera.js's spread", () => {
		const options = Object.create({ onReadable() { throw new Error("never called"); } });
		Object.assign(options, { imageType: "jpeg", format: "buffer/disposable" });
		const cam = new Camera(options);
		cam.start();
		vi.advanceTimersByTime(500);
		expect(frameNumbers.length).toBeGreaterThan(1);
	});

	it("captures a first frame in the constructor, readable before start(), with no callback", async () => {
		const { camera: cam, calls } = camera();
		expect(frameNumbers).toEqual([1]);
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls).toEqual([]);
		const first = read(cam)!;
		expect(numberOf(first)).toBe(1);
	});

	it("calls onReadable(0) once per captured frame, while started", async () => {
		const { camera: cam, calls } = camera();
		cam.start();
		await vi.advanceTimersByTimeAsync(100);
		expect(calls).toEqual([0]);
		await vi.advanceTimersByTimeAsync(100);
		expect(calls).toEqual([0, 0]);
	});

	it("returns the oldest ready frame first", async () => {
		const { camera: cam } = camera();
		cam.start();
		await vi.advanceTimersByTimeAsync(200);
		const frames = [read(cam)!, read(cam)!, read(cam)!];
		expect(frames.map(numberOf)).toEqual([1, 2, 3]);
		expect(read(cam)).toBeUndefined();
	});

	it("stalls when three frames are held, drops captures, and resumes when one is closed", async () => {
		const { camera: cam, calls } = camera();
		cam.start();
		await vi.advanceTimersByTimeAsync(200); // frames 1-3 ready: the pool is full
		const before = calls.length;
		await vi.advanceTimersByTimeAsync(1000);
		expect(calls.length).toBe(before); // no onReadable while stalled
		expect(board.cameraCounts.poolFull).toBe(10);
		const oldest = read(cam)!;
		oldest.close();
		await vi.advanceTimersByTimeAsync(100);
		expect(calls.length).toBe(before + 1);
	});

	it("gives read-only disposable frames with their own byteLength and camera", () => {
		const { camera: cam } = camera();
		const frame = read(cam)!;
		expect(Object.getOwnPropertyDescriptor(frame, "byteLength")).toMatchObject({ value: 5, writable: false });
		expect(frame.camera).toBe(cam);
		new Uint8Array(frame)[0] = 0; // the device throws at the write; the host notices at close()
		expect(() => frame.close()).toThrow("read-only buffer");
		expect(board.cameraCounts.written).toBe(1);
	});

	it("detaches a frame when it is closed, and a second close does nothing", () => {
		const { camera: cam } = camera();
		const frame = read(cam)!;
		const view = new Uint8Array(frame);
		frame.close();
		expect(view.byteLength).toBe(0);
		frame.close();
		expect(board.cameraCounts).toMatchObject({ read: 1, closed: 1, closedTwice: 1 });
	});

	it("copies into a buffer in buffer format, and says when it is too small", () => {
		const { camera: cam } = camera({ format: "buffer" });
		expect(() => cam.read(new Uint8Array(2))).toThrow("buffer too small");
		const { camera: second } = camera({ format: "buffer" });
		const whole = second.read() as ArrayBuffer;
		expect(whole).toBeInstanceOf(ArrayBuffer);
		expect(whole.byteLength).toBe(5);
	});

	it("reports what configure() can change, contrast spelt as the SDK spells it, ignoring out-of-range values", () => {
		const { camera: cam } = camera();
		expect(cam.identification).toEqual({ model: "OV2640" });
		cam.configure({ brightness: 2, contrast: -1, saturation: 9 });
		expect(cam.configuration).toEqual({ brightness: 2, conrast: -1, saturation: 0, whiteBalance: 0 });
		expect(board.sensor.registers.values).toEqual({ brightness: 2, contrast: -1 });
	});

	it("probes the sensor on the first configure() or configuration, and the probe turns the OV2640's auto white balance off", () => {
		const { camera: cam } = camera();
		void cam.identification; // naming the sensor does not probe it
		expect(board.sensor.registers).toMatchObject({ probed: false, autoWhiteBalance: true });
		void cam.configuration;
		expect(board.sensor.registers).toMatchObject({ probed: true, autoWhiteBalance: false });
		cam.configure({ whiteBalance: 0 }); // the "auto" mode: set_wb_mode, not set_whitebal, so AWB stays off
		expect(board.sensor.registers).toMatchObject({ autoWhiteBalance: false, values: { whiteBalance: 0 } });
	});

	it("throws SyntaxError for any use after close, and close twice is harmless", () => {
		const { camera: cam } = camera();
		const frame = read(cam)!;
		const view = new Uint8Array(frame);
		cam.close();
		cam.close();
		expect(() => cam.read()).toThrow(SyntaxError);
		expect(() => cam.width).toThrow(SyntaxError);
		expect(view.byteLength).toBe(0); // stop() detached what JS still held
		frame.close(); // a no-op now
	});
});
