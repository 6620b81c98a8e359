// xscam-boot on the ESP32: the IDF calls the SDK has no JavaScript module for, through its FFI (the
// manifest's "ffi" block declares them; documentation/xs/XS FFI.md, and the SDK's own OTA example,
// examples/io/listener/httpserverota, restarts the same way). Rollback needs the bootloader built with
// CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE (modules/boards/esp32cam/sdkconfig/sdkconfig.defaults).

import FFI from "mc/ffi";

const idf = new FFI(); // typed by the mc.ffi.d.ts mcconfig generates from the manifest

export default {
	restart(): void {
		idf.esp_restart();
	},
	confirm(): void {
		idf.esp_ota_mark_app_valid_cancel_rollback(); // ESP_OK, or nothing pending: either way it stays
	},
	rollback(): boolean {
		idf.esp_ota_mark_app_invalid_rollback_and_reboot(); // returns only when no valid slot is left
		return false;
	},
};
