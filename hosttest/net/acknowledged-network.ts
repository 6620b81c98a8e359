// The board's network with lwIP's acknowledgement: a written byte leaves the firmware's send buffer when
// the receiver has it, not when the local kernel took it. On loopback the kernel takes megabytes at once,
// so a bottleneck further on (fault-proxy.ts) would fill those instead of the firmware's 8 KB buffer, and
// the camera would queue frames where the device supersedes them. Here each connection's sends are
// reported only as far as the proxy delivered that connection's bytes: connections are matched in the
// order they were opened, which holds for one camera behind one proxy.

import type { Network, WireEvents } from "../host/board";
import type { FaultProxy } from "./fault-proxy";

export function acknowledgedByProxy(network: Network, proxy: FaultProxy): Network {
	const updates = new Set<() => void>();
	proxy.onDelivered = () => {
		for (const update of updates) update();
	};
	let opened = 0;
	return {
		resolve: (host, callback) => network.resolve(host, callback),
		datagrams: network.datagrams && (() => network.datagrams!()), // UDP has no acknowledgement to wait for
		connect(address, port, events: WireEvents) {
			const connection = ++opened;
			let handedOver = 0; // to the local kernel
			let reported = 0;
			const update = () => {
				const acknowledged = Math.min(handedOver, proxy.delivered(connection));
				if (acknowledged > reported) events.onSent(acknowledged - reported);
				reported = Math.max(reported, acknowledged);
			};
			updates.add(update);
			const wire = network.connect(address, port, {
				...events,
				onSent: (count) => {
					handedOver += count;
					update();
				},
				onClosed: (error) => {
					updates.delete(update);
					events.onClosed(error);
				},
			});
			return {
				...wire,
				close: () => {
					updates.delete(update);
					wire.close();
				},
			};
		},
	};
}
