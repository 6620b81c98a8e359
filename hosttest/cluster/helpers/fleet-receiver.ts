// A receiver of a fleet in a process of its own, for tests and the benchmark that kill it:
// `node --import tsx fleet-receiver.ts <json>` with { id, cluster, recordingDir, log? } starts a receiver
// with --cluster, recording every camera it holds (unless `record` is false) (the test keys admit any id), logging to `log` if given,
// and prints one line of JSON, its ports, once it listens. It runs on the real clock until it is killed.

import pino from "pino";
import { createReceiver } from "../../../server/receiver";
import { NO_KEYS, TEST_KEYS } from "../../server/helpers/test-keys";

export interface FleetReceiverConfig {
	id: string;
	cluster: string;
	recordingDir: string;
	log?: string;
	record?: boolean;
	/** Take cameras without a key, and know no key (the benchmark's cameras have none). */
	insecureCameras?: boolean;
	/** Not in the fleet: a receiver on its own, for the benchmark's baseline. */
	alone?: boolean;
}

const config = JSON.parse(process.argv[2]) as FleetReceiverConfig;
const receiver = createReceiver({
	ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", cameraKeys: config.insecureCameras ? NO_KEYS : TEST_KEYS, insecureViewers: true,
	record: config.record ?? true, recordingDir: config.recordingDir, insecureCameras: config.insecureCameras ?? false,
	...(!config.alone && { cluster: config.cluster.split(","), receiverId: config.id, clusterName: "test" }),
	logger: config.log ? pino({ level: "debug" }, pino.destination({ dest: config.log, sync: true })) : pino({ level: "silent" }),
});
const ports = await receiver.start();
process.stdout.write(JSON.stringify(ports) + "\n");
process.on("SIGTERM", () => void receiver.close().then(() => process.exit(0)));
