// The SDK's TCP socket takes a dotted IPv4 literal and nothing else: no host names, no DNS
// (reference/moddable-sdk.md §2.1), so names are resolved first (resolver.ts) and literals pass through.

const OCTET = /^[0-9]{1,3}$/;

export function isIPv4(host: string): boolean {
	const parts = host.split(".");
	return parts.length === 4 && parts.every((part) => OCTET.test(part) && Number(part) <= 255);
}
