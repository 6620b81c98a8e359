// A board's two OTA app slots and the IDF bootloader's rules for them, with app rollback on (our
// sdkconfig: CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE): an image set to boot by esp_ota_set_boot_partition
// is "new"; the reset that boots it makes it "pending" (verify); the firmware confirms it ("valid") or
// the next reset finds it still pending, marks it "aborted" and boots the other slot. Plain data, so a
// simulated device carries its slots across a restart (a new worker thread) as a board keeps its flash.
// XS-portable: no Node imports.

export type SlotState = "valid" | "new" | "pending" | "aborted";

export interface Slot {
	/** The image written here; undefined: the firmware the board was flashed with (the host runs src/ itself). */
	image: Uint8Array | undefined;
	state: SlotState;
}

export interface FirmwareSlots {
	/** Bytes an image may take: the ESP32-CAM's slot, 4 MB of flash split by mcconfig's OTA autosplit (0x1F0000). */
	size: number;
	slots: [Slot, Slot];
	running: 0 | 1;
	/** The slot the next reset boots. */
	boot: 0 | 1;
}

export const ESP32CAM_SLOT_BYTES = 0x1f0000;

/** A board as flashed by USB: one valid image, running. */
export function flashedSlots(size = ESP32CAM_SLOT_BYTES): FirmwareSlots {
	return { size, slots: [{ image: undefined, state: "valid" }, { image: undefined, state: "aborted" }], running: 0, boot: 0 };
}

/** esp_ota_end + esp_ota_set_boot_partition: `image` in the other slot, booted at the next reset. */
export function install(firmware: FirmwareSlots, image: Uint8Array): void {
	const next = otherSlot(firmware.running);
	firmware.slots[next] = { image, state: "new" };
	firmware.boot = next;
}

/** A reset: the bootloader picks the slot to run (rolling back one never confirmed); returns it. */
export function reset(firmware: FirmwareSlots): Slot {
	let slot = firmware.slots[firmware.boot];
	if (slot.state === "pending" || slot.state === "aborted") {
		slot.state = "aborted";
		firmware.boot = otherSlot(firmware.boot);
		slot = firmware.slots[firmware.boot];
	}
	else if (slot.state === "new") slot.state = "pending";
	firmware.running = firmware.boot;
	return slot;
}

/** esp_ota_mark_app_valid_cancel_rollback. */
export function confirm(firmware: FirmwareSlots): void {
	const slot = firmware.slots[firmware.running];
	if (slot.state === "pending") slot.state = "valid";
}

/** The first half of esp_ota_mark_app_invalid_rollback_and_reboot: false when no valid slot is left to boot. */
export function markInvalid(firmware: FirmwareSlots): boolean {
	const other = otherSlot(firmware.running);
	if (firmware.slots[other].state !== "valid") return false;
	firmware.slots[firmware.running].state = "aborted";
	firmware.boot = other;
	return true;
}

function otherSlot(slot: 0 | 1): 0 | 1 {
	return slot === 0 ? 1 : 0;
}
