// embedded:io/image/in/camera on the Node host and in the XS engine: the simulated camera of
// modules/sim/camera/ (the same one the SDK's simulator runs), on the board's clock and sensor.

import type DeviceCamera from "embedded:io/image/in/camera";
import { cameraClass } from "../../modules/sim/camera/simulated-camera";
import { board } from "./board";

const Camera = cameraClass(board);

export default Camera satisfies typeof DeviceCamera;
