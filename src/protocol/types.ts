// Decoded messages: one discriminated union on `type`. Each message's interface sits beside the row of
// the table that reads and writes it (messages.ts); the settings they carry are controls.ts's.

export type * from "./messages";
export type * from "./controls";
