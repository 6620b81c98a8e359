// --cluster and its options (server/options.ts), and what a receiver does without them or without NATS.
// The fleet itself, on a real NATS cluster, is fleet.e2e.test.ts (npm run test:e2e).

import { createServer } from "node:net";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { receiverIdOf } from "../../server/cluster/cluster";
import { createReceiver } from "../../server/receiver";
import { resolveOptions } from "../../server/options";
import { startReceiver } from "../server/helpers/harness";
import { TEST_KEYS } from "../server/helpers/test-keys";

describe("--cluster", () => {
	it("is off by default: one receiver on its own, with no fleet part and none of its metrics", async () => {
		expect(resolveOptions({}).cluster).toEqual([]);
		const harness = await startReceiver();
		try {
			const metrics = await (await fetch(harness.base + "/metrics")).text();
			expect(metrics).toContain("xscam_camera_online");
			expect(metrics).not.toContain("xscam_cluster_");
		}
		finally {
			await harness.close();
		}
	});

	it("takes nats:// and tls:// URLs, and refuses others, credentials in them, a bad fleet name or receiver id", () => {
		expect(resolveOptions({ cluster: ["nats://a:4222", "tls://b:4222"] }).cluster).toEqual(["nats://a:4222", "tls://b:4222"]);
		for (const cluster of [["http://a:4222"], ["nats://user:secret@a:4222"], ["a:4222"], ["nats://a:4222/x"]]) {
			const attempt = () => resolveOptions({ cluster });
			expect(attempt, cluster[0]).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION" }));
			expect(attempt).not.toThrow(/secret/);
		}
		expect(() => resolveOptions({ clusterName: "a.b" })).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION" }));
		expect(() => resolveOptions({ receiverId: "-rx" })).toThrow(expect.objectContaining({ code: "XSCAM_ERR_OPTION" }));
	});

	it("names a receiver by its host name and ingest port unless it is given an id", () => {
		expect(receiverIdOf("rx-1", 8700)).toBe("rx-1");
		expect(receiverIdOf("", 8700)).toMatch(/^[A-Za-z0-9][A-Za-z0-9_.-]*-8700$/);
	});

	it("fails to start with one coded line, releasing everything, when no NATS server answers", async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
		const { port } = closed.address() as { port: number };
		await new Promise((resolve) => closed.close(resolve)); // nothing listens there now
		const receiver = createReceiver({
			ingestPort: 0, httpPort: 0, rtspPort: 0, host: "127.0.0.1", cameraKeys: TEST_KEYS, insecureViewers: true,
			cluster: ["nats://127.0.0.1:" + port], logger: pino({ level: "silent" }),
		});
		await expect(receiver.start()).rejects.toMatchObject({ code: "XSCAM_ERR_CLUSTER", message: expect.stringContaining("nats://127.0.0.1:" + port) });
	});
});
