// Resource (modules/files/resource; the SDK's typings/Resource.d.ts): a read-only host buffer over a file
// built into the app.

declare module "Resource" {
	export default class Resource extends ArrayBuffer {
		constructor(path: string);
		static exists(path: string): boolean;
	}
}
