// time (modules/base/time; the SDK's typings/time.d.ts): only what xscam uses.

declare module "time" {
	const Time: {
		/** Sets the real-time clock: seconds since the epoch. */
		set(seconds: number): void;
	};
	export default Time;
}
