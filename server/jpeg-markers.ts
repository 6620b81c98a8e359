// The JPEG markers the receiver reads (ITU T.81, Table B.1): the byte after an 0xFF.

export const SOI = 0xd8;
export const EOI = 0xd9;
export const SOS = 0xda;
export const DQT = 0xdb;
export const DHT = 0xc4;
export const DRI = 0xdd;
/** Baseline DCT; the other SOFn (0xC1 to 0xCF but DHT, JPG and DAC) are the other processes. */
export const SOF0 = 0xc0;
export const TEM = 0x01;
export const RST0 = 0xd0;
export const RST7 = 0xd7;
