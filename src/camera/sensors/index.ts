// The sensors the firmware knows, by the model the camera reports. A camera whose sensor is not here
// (the SDK simulator's, say) still streams; only its frame size and sensor settings cannot be changed.

import { OV2640 } from "./ov2640";
import { OV3660 } from "./ov3660";
import type { SensorDescription } from "./sensor";

export type { SensorDescription };

const SENSORS: readonly SensorDescription[] = [OV2640, OV3660];

export function describeSensor(model: string): SensorDescription {
	return SENSORS.find((sensor) => sensor.model === model) ?? { model, frameSizes: [], settings: [] };
}
