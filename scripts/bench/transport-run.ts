// One run of benchmark 5 (frames over UDP against TCP), in a process of its own: the unchanged firmware on
// the Node host (its session, its pace, its 8 KB lwIP-like send buffer acknowledged only as the far end
// takes the bytes: hosttest/net/acknowledged-network.ts) streams to the real receiver through the
// fault-injecting proxies of hosttest/net/, and a viewer in this process reads the MJPEG stream. Each
// frame's age is the time from its capture (the board's sensor, by frame number) to its last byte at the
// viewer, on this process's clock. Prints the result as JSON on its last line.
//   node --import tsx scripts/bench/transport-run.ts <tcp|udp> <loss 0..1> <delay ms> <window ms>

import { register } from "node:module";
import { performance } from "node:perf_hooks";
import { CameraKeys } from "../../server/auth/camera-keys";
import { createReceiver } from "../../server/receiver";
import { acknowledgedByProxy } from "../../hosttest/net/acknowledged-network";
import { DatagramFaultProxy } from "../../hosttest/net/datagram-fault-proxy";
import { FaultProxy } from "../../hosttest/net/fault-proxy";
import { frameNumberOf, markedJpeg } from "../../hosttest/host/marked-jpeg";
import { installBoard } from "../../hosttest/host/board";
import { createNodeBoard } from "../../hosttest/host/node-board";
import { MjpegClient } from "../../hosttest/server/helpers/mjpeg-client";
import { quantile } from "./stats";
import { FRAME_RATE, JPEG_BYTES, type TransportRun } from "./transport";

register("../../hosttest/host/loader-hooks.ts", import.meta.url); // the firmware's Moddable imports, as the Node host supplies them

const WARM_UP_MS = 3000;
/** The camera and the receiver's TCP proxy listen here, the UDP proxy beside it: the datagrams go where the connection went. */
const PROXY_ADDRESS = "127.0.0.2";

async function run(transport: "tcp" | "udp", loss: number, delayMs: number, windowMs: number): Promise<TransportRun> {
	const keys = new CameraKeys(undefined);
	const key = keys.add("cam-1");
	const receiver = createReceiver({ ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", logLevel: "silent", cameraKeys: keys, insecureViewers: true });
	const { ingestPort, httpPort } = await receiver.start();
	const tcp = new FaultProxy(ingestPort, { delayMs, loss });
	const proxyPort = await tcp.listen(PROXY_ADDRESS);
	const udp = new DatagramFaultProxy({ address: "127.0.0.1", port: ingestPort }, { delayMs, loss });
	await udp.listen(PROXY_ADDRESS, ingestPort); // the receiver offers its own port number ("same"), at the address the camera reached

	const capturedAt = new Map<number, number>();
	const board = createNodeBoard({
		config: {
			manifest: { ssid: "bench", password: "bench-password", server: PROXY_ADDRESS, id: "cam-1", frameSize: "VGA", frameRate: FRAME_RATE, board: "esp32cam", key, frames: transport },
			commandLine: { port: String(proxyPort) },
		},
		accessPoints: [{ ssid: "bench", password: "bench-password" }],
		radio: { associateDelay: 5, dhcpDelay: 5 },
		sensor: {
			fps: () => FRAME_RATE,
			capture: (width, height, frameNumber) => {
				capturedAt.set(frameNumber, performance.now());
				return markedJpeg(frameNumber, width, height, JPEG_BYTES);
			},
		},
		trace: (text) => void (process.env.BENCH_TRACE && process.stderr.write(text)),
		network: (real) => acknowledgedByProxy(real, tcp),
	});
	installBoard(board);
	await import("../../hosttest/host/globals");
	const { default: main } = await import("../../src/main");
	const device = main()!;

	while (!receiver.status("cam-1")?.online) await new Promise((resolve) => setTimeout(resolve, 10)); // a stream of an unknown camera is a 404
	const viewer = await MjpegClient.open(httpPort, "/cameras/cam-1/stream.mjpeg");
	const ages: number[] = [];
	let measuring = false;
	let seen = 0;
	const firstFrame = new Promise<void>((resolve) => {
		const look = setInterval(() => {
			while (seen < viewer.parts.length) {
				const part = viewer.parts[seen++];
				const captured = capturedAt.get(frameNumberOf(part.jpeg));
				if (measuring && captured !== undefined) ages.push(performance.now() - captured);
				resolve();
			}
		}, 1);
		viewer.closed.then(() => clearInterval(look));
	});
	await firstFrame;
	await new Promise((resolve) => setTimeout(resolve, WARM_UP_MS));
	const capturedBefore = capturedAt.size;
	measuring = true;
	await new Promise((resolve) => setTimeout(resolve, windowMs));
	measuring = false;
	const result: TransportRun = {
		transport, loss, delayMs, fps: ages.length * 1000 / windowMs,
		ageP50Ms: quantile(ages, 0.5), ageP99Ms: quantile(ages, 0.99), captured: capturedAt.size - capturedBefore,
		pacedRate: "session" in device && device.session.datagramRate !== undefined && device.session.datagramRate !== Infinity ? device.session.datagramRate : null,
	};
	await viewer.close();
	if ("close" in device) device.close();
	await tcp.close();
	udp.close();
	await receiver.close();
	return result;
}

const [transport, loss, delayMs, windowMs] = process.argv.slice(2);
const result = await run(transport as "tcp" | "udp", Number(loss), Number(delayMs), Number(windowMs));
process.stdout.write(JSON.stringify(result) + "\n");
process.exit(0);
