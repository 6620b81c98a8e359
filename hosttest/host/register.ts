// Import this (after tsx's loader) to run the unchanged firmware on Node: see loader-hooks.ts.
import { register } from "node:module";

register("./loader-hooks.ts", import.meta.url);
