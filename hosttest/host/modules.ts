// Which host module stands in for each Moddable module the firmware imports: one table for vitest's
// aliases, the Node loader of the simulator, and the XS-engine bundle. Like the SDK's per-platform
// manifests, the specifier stays the same and the implementation behind it changes.

export const HOST_MODULES: { readonly [specifier: string]: string } = {
	"crypt": "crypt.ts",
	"embedded:io/image/in/camera": "camera.ts",
	"embedded:io/pwm": "pwm.ts",
	"embedded:io/socket/listener": "listener.ts",
	"embedded:io/socket/tcp": "tcp.ts",
	"embedded:io/socket/tcp/tls": "tls.ts",
	"embedded:io/socket/udp": "udp.ts",
	"embedded:network/http/server": "http-server.ts",
	"embedded:network/interface/wifi": "wifi.ts",
	"embedded:storage/flash": "flash.ts",
	"embedded:update": "update.ts",
	"hmac": "hmac.ts",
	"instrumentation": "instrumentation.ts",
	"mc/config": "mc-config.ts",
	"net": "net.ts",
	"preference": "preference.ts",
	"Resource": "resource.ts",
	"time": "time.ts",
	"timer": "timer.ts",
	"wifi": "wifi-classic.ts",
	"xscam-boot": "xscam-boot.ts",
};
