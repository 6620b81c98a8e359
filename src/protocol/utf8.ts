// UTF-8 without TextEncoder/TextDecoder, which a Moddable device build does not have by default.
// Strings here are short (ids, names, control JSON), so clarity beats speed.

export function utf8Length(text: string): number {
	let length = 0;
	for (let i = 0; i < text.length; i++) {
		const unit = text.charCodeAt(i);
		if (unit < 0x80) length += 1;
		else if (unit < 0x800) length += 2;
		else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
			length += 4; // a surrogate pair is one code point of four bytes
			i++;
		}
		else length += 3;
	}
	return length;
}

/** Writes `text` at `offset`; returns the offset after it. The caller sized `into` with utf8Length. */
export function writeUtf8(into: Uint8Array, offset: number, text: string): number {
	for (let i = 0; i < text.length; i++) {
		let point = text.charCodeAt(i);
		if (point >= 0xd800 && point < 0xdc00 && i + 1 < text.length) {
			const low = text.charCodeAt(i + 1);
			if (low >= 0xdc00 && low < 0xe000) {
				point = 0x10000 + ((point - 0xd800) << 10) + (low - 0xdc00);
				i++;
			}
		}
		if (point < 0x80) into[offset++] = point;
		else if (point < 0x800) {
			into[offset++] = 0xc0 | (point >> 6);
			into[offset++] = 0x80 | (point & 0x3f);
		}
		else if (point < 0x10000) {
			into[offset++] = 0xe0 | (point >> 12);
			into[offset++] = 0x80 | ((point >> 6) & 0x3f);
			into[offset++] = 0x80 | (point & 0x3f);
		}
		else {
			into[offset++] = 0xf0 | (point >> 18);
			into[offset++] = 0x80 | ((point >> 12) & 0x3f);
			into[offset++] = 0x80 | ((point >> 6) & 0x3f);
			into[offset++] = 0x80 | (point & 0x3f);
		}
	}
	return offset;
}

/** Decodes bytes[start, end); returns undefined for invalid UTF-8 (overlong, truncated, surrogates). */
export function readUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
	let text = "";
	let i = start;
	while (i < end) {
		const lead = bytes[i++];
		let point: number;
		let more: number;
		let min: number;
		if (lead < 0x80) {
			text += String.fromCharCode(lead);
			continue;
		}
		else if ((lead & 0xe0) === 0xc0) { point = lead & 0x1f; more = 1; min = 0x80; }
		else if ((lead & 0xf0) === 0xe0) { point = lead & 0x0f; more = 2; min = 0x800; }
		else if ((lead & 0xf8) === 0xf0) { point = lead & 0x07; more = 3; min = 0x10000; }
		else return undefined;
		if (i + more > end) return undefined;
		for (; more > 0; more--) {
			const next = bytes[i++];
			if ((next & 0xc0) !== 0x80) return undefined;
			point = (point << 6) | (next & 0x3f);
		}
		if (point < min || point > 0x10ffff || (point >= 0xd800 && point < 0xe000)) return undefined;
		text += String.fromCodePoint(point);
	}
	return text;
}
