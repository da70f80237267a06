// Ends a console session. Idempotent: logging out twice, or with a token, is not an error.
import "server-only";
import { db } from "../db/client";
import type { Principal } from "./principal";

export async function logout(principal: Principal): Promise<{ endedSession: boolean }> {
  if (principal.kind !== "user") return { endedSession: false };
  const { count } = await db().session.deleteMany({ where: { id: principal.sessionId } });
  return { endedSession: count > 0 };
}
