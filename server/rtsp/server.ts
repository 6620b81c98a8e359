// RTSP on the receiver (work in progress).
import type { ViewerAccess } from "../auth/viewer-access";
import type { Core, Part } from "../core";

export interface RtspPart extends Part {
	readonly port: number;
}

export function registerRtsp(_core: Core, _access: ViewerAccess): RtspPart {
	return { port: 0, async close() {} };
}
