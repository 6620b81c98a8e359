// xscam-boot: restarting the device and confirming or rolling back the firmware it booted, which the
// SDK has no JavaScript module for. On the ESP32 it is three IDF calls through the SDK's FFI
// (modules/boards/esp32/xscam-boot.ts); the simulator and the hosts supply their own.

declare module "xscam-boot" {
	const Boot: {
		/** Restarts the device now (esp_restart): nothing after this call runs. */
		restart(): void;
		/** The running firmware works: with the IDF's app rollback, it stays (esp_ota_mark_app_valid_cancel_rollback). */
		confirm(): void;
		/**
		 * The running firmware does not work: boot the previous one (esp_ota_mark_app_invalid_rollback_and_reboot).
		 * False when there is none to go back to; on the device it does not return otherwise (a host may).
		 */
		rollback(): boolean;
	};
	export default Boot;
}
