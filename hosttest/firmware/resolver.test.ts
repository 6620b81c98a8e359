// The network layer's resolver: a literal at once, a name through Net.resolve, and only the latest
// question answered, so a late answer to one the session gave up on opens nothing.

import { describe, expect, it } from "vitest";
import type Net from "net";
import { Resolver } from "../../src/network/resolver";

/** A Net whose answers the test gives, in any order. */
function fakeNet() {
	const questions: { host: string; answer: (address: string | undefined) => void }[] = [];
	const net = { resolve: (host: string, callback: (name: string, address: string | undefined) => void) => questions.push({ host, answer: (address) => callback(host, address) }) };
	return { net: net as unknown as typeof Net, questions };
}

describe("Resolver", () => {
	it("answers an IPv4 literal at once, without asking the network", () => {
		const { net, questions } = fakeNet();
		const answers: (string | undefined)[] = [];
		new Resolver(net).resolve("192.168.1.10", (address) => answers.push(address));
		expect(answers).toEqual(["192.168.1.10"]);
		expect(questions).toEqual([]);
	});

	it("asks the network for a name, and passes on its answer or its silence", () => {
		const { net, questions } = fakeNet();
		const resolver = new Resolver(net);
		const answers: (string | undefined)[] = [];
		resolver.resolve("receiver.local", (address) => answers.push(address));
		questions[0].answer("10.0.0.5");
		resolver.resolve("nowhere.local", (address) => answers.push(address));
		questions[1].answer(undefined);
		expect(answers).toEqual(["10.0.0.5", undefined]);
	});

	it("drops a late answer to a question given up: cancelled, or asked again", () => {
		const { net, questions } = fakeNet();
		const resolver = new Resolver(net);
		const answers: string[] = [];
		resolver.resolve("receiver.local", (address) => answers.push("first " + address));
		resolver.cancel();
		questions[0].answer("10.0.0.5");
		resolver.resolve("receiver.local", (address) => answers.push("second " + address));
		resolver.resolve("receiver.local", (address) => answers.push("third " + address));
		questions[1].answer("10.0.0.6"); // asked again since: dropped
		questions[2].answer("10.0.0.7");
		expect(answers).toEqual(["third 10.0.0.7"]);
	});
});
