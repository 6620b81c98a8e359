// A camera with a list of receivers, as the firmware has one (`server=a:8700,b:8700`,
// hosttest/firmware/receivers.test.ts): it streams to one receiver at a time, and when that one refuses
// or goes away it moves to the next after the firmware's own backoff (src/backoff.ts, the session's
// 500 ms to 30 s), reset by each welcome. Its connections are real TCP (fake-camera.ts).

import { Backoff } from "../../../src/backoff";
import { FakeCamera } from "../../server/helpers/fake-camera";
import { syntheticJpeg } from "../../server/helpers/harness";

/** The session's backoff (src/session/session.ts): the first delay is at most this. */
export const FIRST_BACKOFF_MAX_MS = 500;

export class RoamingCamera {
	readonly id: string;
	/** Each connection that was welcomed: the receiver's port and when. */
	readonly connections: { port: number; at: number }[] = [];
	/** Frames sent, over every connection. */
	sent = 0;
	current: FakeCamera | undefined;
	readonly #ports: number[];
	readonly #fps: number;
	readonly #backoff = new Backoff({ base: FIRST_BACKOFF_MAX_MS, max: 30_000 });
	#stopped = false;
	#running: Promise<void> | undefined;

	constructor(id: string, ports: number[], fps = 10) {
		this.id = id;
		this.#ports = ports;
		this.#fps = fps;
	}

	start(): void {
		this.#running = this.#run();
	}

	get port(): number | undefined {
		return this.current === undefined ? undefined : this.connections.at(-1)?.port;
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		await this.current?.close();
		await this.#running;
	}

	async #run(): Promise<void> {
		for (let at = 0; !this.#stopped; at = (at + 1) % this.#ports.length) {
			const port = this.#ports[at];
			try {
				const { camera } = await FakeCamera.online(port, this.id);
				this.#backoff.reset();
				this.current = camera;
				this.connections.push({ port, at: Date.now() });
				camera.answerControls((settings) => ({ applied: settings }));
				const timer = setInterval(() => {
					camera.frame(syntheticJpeg(8000 + (this.sent % 64), 0x10 + (this.sent % 0x60)));
					this.sent++;
				}, 1000 / this.#fps);
				await camera.closed;
				clearInterval(timer);
				this.current = undefined;
			}
			catch {
				// refused, or nothing listens: the next receiver after the backoff
			}
			if (!this.#stopped) await new Promise((resolve) => setTimeout(resolve, this.#backoff.next()));
		}
	}
}
