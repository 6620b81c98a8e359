// The control requests of one camera connection waiting for their answers (docs/protocol.md,
// "control"): each gets a request id of its own, a timeout, and an answer that is checked against it
// before anyone sees it. The document says every key of a request is in exactly one of the three parts
// of its result; a result that leaves a key out, holds a key twice, or holds a key never asked for is
// the camera's mistake, and the caller gets XSCAM_ERR_BAD_CONTROL_RESULT instead of a wrong answer.

import type { ControlResult, ControlSettings } from "../../src/protocol/types";
import type { Cancel, Clock } from "../clock";
import { xscamError } from "../errors";

/** Control requests waiting for an answer, per camera. */
export const MAX_CONTROLS_IN_FLIGHT = 16;

interface Pending {
	keys: string[];
	resolve(result: ControlResult): void;
	reject(error: Error): void;
	cancel: Cancel;
}

/** What is wrong with `result` as the answer to a request of `keys`, or undefined when nothing is. */
function mismatch(keys: string[], result: ControlResult): string | undefined {
	const problems: string[] = [];
	const seen = new Map<string, number>();
	for (const part of [result.applied, result.pending, result.refused]) for (const key in part) seen.set(key, (seen.get(key) ?? 0) + 1);
	const missing = keys.filter((key) => !seen.has(key));
	const extra = [...seen.keys()].filter((key) => !keys.includes(key));
	const twice = [...seen].filter(([, count]) => count > 1).map(([key]) => key);
	if (missing.length) problems.push("no answer for " + missing.join(", "));
	if (extra.length) problems.push("answers " + extra.join(", ") + ", never asked");
	if (twice.length) problems.push("answers " + twice.join(", ") + " more than once");
	return problems.length ? problems.join("; ") : undefined;
}

export class ControlRequests {
	readonly #pending = new Map<number, Pending>();
	readonly #clock: Clock;
	readonly #timeoutMs: number;
	#nextId = 0;

	constructor(clock: Clock, timeoutMs: number) {
		this.#clock = clock;
		this.#timeoutMs = timeoutMs;
	}

	/** Sends `settings` as control request `requestId` with `send`; resolves with the checked answer. */
	request(cameraId: string, settings: ControlSettings, send: (requestId: number) => void): Promise<ControlResult> {
		if (this.#pending.size >= MAX_CONTROLS_IN_FLIGHT)
			return Promise.reject(xscamError("XSCAM_ERR_CONTROL_BUSY", cameraId, MAX_CONTROLS_IN_FLIGHT));
		do this.#nextId = (this.#nextId + 1) & 0xffff; // u16 on the wire
		while (this.#pending.has(this.#nextId));
		const requestId = this.#nextId;
		return new Promise((resolve, reject) => {
			const cancel = this.#clock.after(this.#timeoutMs, () => {
				this.#pending.delete(requestId);
				reject(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", cameraId, requestId, this.#timeoutMs));
			});
			this.#pending.set(requestId, { keys: Object.keys(settings), resolve, reject, cancel });
			send(requestId);
		});
	}

	/** The camera's answer; one answered after its timeout is dropped (the caller has gone). */
	answer(cameraId: string, result: ControlResult): void {
		const pending = this.#pending.get(result.requestId);
		if (pending === undefined) return;
		this.#pending.delete(result.requestId);
		pending.cancel();
		const wrong = mismatch(pending.keys, result);
		if (wrong) pending.reject(xscamError("XSCAM_ERR_BAD_CONTROL_RESULT", cameraId, result.requestId, wrong));
		else pending.resolve(result);
	}

	/** The connection ended: every request still waiting fails. */
	abort(cameraId: string): void {
		for (const [requestId, pending] of this.#pending) {
			pending.cancel();
			pending.reject(xscamError("XSCAM_ERR_CONTROL_ABORTED", cameraId, requestId));
		}
		this.#pending.clear();
	}
}
