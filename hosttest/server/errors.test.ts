// The coded error catalog checks itself, like fastify's test/internals/errors.test.js.
import { describe, expect, it } from "vitest";
import { ERROR_CODES, isXscamError, listenError, xscamError } from "../../server/errors";

describe("the error catalog", () => {
	it("has the expected number of entries (a new one is a deliberate change here too)", () => {
		expect(ERROR_CODES.length).toBe(49);
	});

	it.each(ERROR_CODES)("%s: its code is its key, it has a status and a message with no unfilled %%s", (code) => {
		const error = xscamError(code, "a", "b", "c", "d");
		expect(error.code).toBe(code);
		expect(error).toBeInstanceOf(Error);
		expect(isXscamError(error)).toBe(true);
		expect(error.statusCode).toBeGreaterThanOrEqual(400);
		expect(error.message).not.toContain("%s");
		expect(error.message).not.toContain("undefined");
	});

	it("uses TypeError for misuse, RangeError for limits", () => {
		expect(xscamError("XSCAM_ERR_OPTION", "x", "y")).toBeInstanceOf(TypeError);
		expect(xscamError("XSCAM_ERR_BAD_CONTROL", "x")).toBeInstanceOf(TypeError);
		expect(xscamError("XSCAM_ERR_TOO_MANY_CAMERAS", 3)).toBeInstanceOf(RangeError);
		expect(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", "cam", 1, 5000)).not.toBeInstanceOf(RangeError);
	});

	it("gives HTTP statuses to the errors a request can meet", () => {
		expect(xscamError("XSCAM_ERR_CAMERA_NOT_FOUND", "x").statusCode).toBe(404);
		expect(xscamError("XSCAM_ERR_BAD_CONTROL", "x").statusCode).toBe(400);
		expect(xscamError("XSCAM_ERR_CAMERA_OFFLINE", "x").statusCode).toBe(503);
		expect(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", "x", 1, 2).statusCode).toBe(504);
	});

	it("fills its message from the arguments, in order", () => {
		expect(xscamError("XSCAM_ERR_CONTROL_TIMEOUT", "porch", 7, 5000).message).toBe("camera porch did not answer control request 7 within 5000 ms");
	});

	it("turns listen failures into one line each", () => {
		const inUse = Object.assign(new Error("listen EADDRINUSE"), { code: "EADDRINUSE" });
		expect(listenError("http", 8080, "0.0.0.0", inUse)).toMatchObject({ code: "XSCAM_ERR_PORT_IN_USE", message: "http port 8080 is already in use on 0.0.0.0" });
		const denied = Object.assign(new Error("listen EACCES"), { code: "EACCES" });
		expect(listenError("ingest", 80, "::", denied)).toMatchObject({ code: "XSCAM_ERR_LISTEN", message: "cannot listen on ingest port 80 on ::: EACCES" });
	});

	it("does not mistake other errors for its own", () => {
		expect(isXscamError(new Error("x"))).toBe(false);
		expect(isXscamError(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe(false);
		expect(isXscamError("XSCAM_ERR_OPTION")).toBe(false);
	});
});
