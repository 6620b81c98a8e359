// embedded:io/image/in/camera for the SDK's lin simulator (mcsim): the simulated camera of
// simulated-camera.ts, capturing 25 frames a second from JPEG resources built into the app (the SDK's
// own lin camera needs /dev/video0 and cannot make JPEG). The manifest maps this file to the camera
// specifier, and its neighbours to names beside it, so relative imports resolve the same way for XS
// (by module name) and for TypeScript (by file).

import Resource from "Resource";
import Timer from "timer";
import { FRAME_COUNT, FRAME_SIZE, frameName } from "./frame-names";
import { newSensorRegisters } from "./sensor-models";
import { cameraClass, newCameraCounts, type CameraEnvironment } from "./simulated-camera";

const SENSOR_FPS = 25; // the OV2640's rate at VGA with a 20 MHz clock

type Transferable = ArrayBuffer & { transfer(length?: number): ArrayBuffer };

const environment: CameraEnvironment = {
	now: () => Date.now(),
	setTimer: (callback, ms) => Timer.set(() => callback(), ms),
	clearTimer: (handle) => Timer.clear(handle as ReturnType<typeof Timer.set> | undefined),
	defer: (callback) => void Promise.resolve().then(callback),
	sensor: {
		model: "simulator",
		size: FRAME_SIZE,
		fps: () => SENSOR_FPS,
		capture: (_width, _height, frameNumber) => new Uint8Array(new Resource(frameName(((frameNumber - 1) % FRAME_COUNT) + 1))),
		registers: newSensorRegisters(),
	},
	frames: {
		hold: (bytes) => bytes.slice().buffer,
		unchanged: (buffer, bytes) => {
			const held = new Uint8Array(buffer);
			if (held.length !== bytes.length) return false;
			for (let i = 0; i < held.length; i++) if (held[i] !== bytes[i]) return false;
			return true;
		},
		detach: (buffer) => void (buffer as Transferable).transfer(0),
	},
	cameraCounts: newCameraCounts(),
};

const Camera = cameraClass(() => environment);
export default Camera;
