// Sent in every hello. hosttest/firmware/version.test.ts keeps it equal to package.json's version.
export const FIRMWARE_VERSION = "0.2.0";
