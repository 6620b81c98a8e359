// embedded:io/image/in/camera, the SDK's ESP32 camera (modules/io/imagein/camera/esp32/camera.js, .c).
// The SDK ships no typings for it (reference/moddable-sdk.md §1.10).

declare module "embedded:io/image/in/camera" {
	/**
	 * A zero-copy, read-only host buffer over a driver frame; it returns to the pool only when closed.
	 * It is not an ArrayBuffer (no `instanceof`), but views and socket writes take it like one.
	 */
	export type DisposableFrame = ArrayBuffer & {
		readonly camera: Camera;
		/** Returns the frame to the driver and detaches this buffer. A second call does nothing. */
		close(): void;
	};

	export type SensorSettings = {
		brightness?: number;
		contrast?: number;
		saturation?: number;
		sharpness?: number;
		denoise?: number;
		whiteBalance?: number;
	};

	export interface CameraOptions {
		width?: number;
		height?: number;
		imageType?: number | "jpeg";
		format?: "buffer" | "buffer/disposable";
		/** Called with 0 on ESP32 (one call per captured frame; there may be no frame left to read). */
		onReadable?: (this: Camera, count: number) => void;
		target?: unknown;
	}

	export default class Camera {
		constructor(options: CameraOptions);
		/** The oldest ready frame, or undefined. */
		read(): DisposableFrame | ArrayBuffer | undefined;
		read(into: ArrayBufferLike | ArrayBufferView): number | undefined;
		start(): void;
		stop(): void;
		close(): void;
		format: "buffer" | "buffer/disposable";
		/** The size actually captured, which may differ from the request. */
		readonly width: number;
		readonly height: number;
		readonly imageType: number | "jpeg";
		target?: unknown;
		/** ESP32 only: the sensor model. */
		readonly identification?: { model: string };
		/** ESP32 only: the settings the sensor accepts. Contrast is spelt `conrast` here (camera.c). */
		readonly configuration?: { [key: string]: number };
		/** ESP32 only: applies the keys the sensor accepts. */
		configure?(settings: SensorSettings): void;
	}
}
