// A Node board whose station is already joined, for tests of the host modules themselves.

import { installBoard, type Board } from "./board";
import { createNodeBoard, type NodeBoardOptions } from "./node-board";

export async function joinedBoard(options: Partial<NodeBoardOptions> = {}): Promise<Board> {
	const board = createNodeBoard({
		config: { manifest: {}, commandLine: {} },
		accessPoints: [{ ssid: "lab", password: "" }],
		radio: { associateDelay: 0, dhcpDelay: 0 },
		trace: () => {},
		...options,
	});
	installBoard(board);
	board.radio.connect("lab", "");
	for (let waited = 0; board.radio.connection !== 500; waited++) {
		if (waited > 100) throw new Error("the test board did not join");
		await new Promise((resolve) => setTimeout(resolve, 1));
	}
	return board;
}
