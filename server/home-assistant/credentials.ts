// The receiver's user name and password on the MQTT broker. The password is a secret, so it is never a
// flag (argv is public on the machine) and never logged: it comes from --mqtt-password-file (its first
// line), else from the variable XSCAM_MQTT_PASSWORD. MQTT 3.1.1 sends a password only with a user name
// ([MQTT-3.1.2-22]), so a password without one is refused at start rather than failing at the broker.

import { readFileSync } from "node:fs";
import { xscamError } from "../errors";
import type { ResolvedOptions } from "../options";

export const PASSWORD_ENV = "XSCAM_MQTT_PASSWORD";

export interface MqttCredentials {
	username?: string;
	password?: string;
}

/** Throws XSCAM_ERR_SECRET_FILE for a password file it cannot read, XSCAM_ERR_OPTION for a password without a user name. */
export function mqttCredentials({ mqttUsername, mqttPasswordFile }: ResolvedOptions, env: NodeJS.ProcessEnv = process.env): MqttCredentials {
	let password = env[PASSWORD_ENV] || undefined;
	if (mqttPasswordFile !== "") {
		let text: string;
		try {
			text = readFileSync(mqttPasswordFile, "utf8");
		}
		catch (error) {
			throw xscamError("XSCAM_ERR_SECRET_FILE", mqttPasswordFile, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
		}
		password = text.split(/\r?\n/)[0];
		if (password === "") throw xscamError("XSCAM_ERR_SECRET_FILE", mqttPasswordFile, "its first line is empty");
	}
	if (password !== undefined && mqttUsername === "")
		throw xscamError("XSCAM_ERR_OPTION", "mqttUsername", "must be given with an MQTT password (--mqtt-username or XSCAM_MQTT_USERNAME)");
	return { ...(mqttUsername !== "" && { username: mqttUsername }), ...(password !== undefined && { password }) };
}
