// A receiver in a process of its own, for tests that kill it: `node --import tsx receiver-process.ts
// <recording dir>` records every camera there (the test keys admit any id) and prints one line of JSON,
// its ports, once it listens. It runs on the real clock until it is killed.

import pino from "pino";
import { createReceiver } from "../../../server/receiver";
import { TEST_KEYS } from "./test-keys";

const receiver = createReceiver({
	ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", cameraKeys: TEST_KEYS, insecureViewers: true,
	record: true, recordingDir: process.argv[2], logger: pino({ level: "silent" }),
});
const ports = await receiver.start();
process.stdout.write(JSON.stringify(ports) + "\n");
