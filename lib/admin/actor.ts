import "server-only";
import type { AuditEntry } from "../audit/record";

/** Who is making an admin change: an API caller, or the CLI / demo working on the database directly. */
export type Actor = AuditEntry["actor"];

export const CLI_ACTOR: Actor = { kind: "system", label: "cli" };
