// Prometheus metrics. Each part declares its own metrics on the receiver's registry and keeps the
// numbers in plain fields of its own state; prom-client reads them at scrape time through `collect`.
// So the frame path never touches prom-client, and a number can never disagree with the status API.

import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

export type Labels = { [name: string]: string };
/** Calls `report` once per label set with its current value. */
export type Read = (report: (labels: Labels, value: number) => void) => void;

export function createRegistry(processMetrics: boolean): Registry {
	const registry = new Registry();
	if (processMetrics) collectDefaultMetrics({ register: registry });
	return registry;
}

/** A counter (a total that only grows) read from state on each scrape. */
export function counter(registry: Registry, name: string, help: string, labelNames: string[], read: Read): void {
	new Counter({
		name, help, labelNames, registers: [registry],
		collect() {
			this.reset();
			read((labels, value) => this.inc(labels, value));
		},
	});
}

/** A gauge (a value that goes up and down) read from state on each scrape. */
export function gauge(registry: Registry, name: string, help: string, labelNames: string[], read: Read): void {
	new Gauge({
		name, help, labelNames, registers: [registry],
		collect() {
			this.reset();
			read((labels, value) => this.set(labels, value));
		},
	});
}
