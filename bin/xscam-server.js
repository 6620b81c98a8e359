#!/usr/bin/env node
// The xscam-server command: runs server/cli.ts through tsx's ESM loader, so the receiver needs no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../server/cli.ts");
await main();
