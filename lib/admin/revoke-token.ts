import "server-only";
import { recordAudit } from "../audit/record";
import { afterRegistryChange } from "../registry/after-registry-change";
import { db } from "../db/client";
import { notFound } from "../errors";
import type { Actor } from "./actor";

/** Revokes a token of the project. Revoking an already revoked token is a no-op (idempotent DELETE). */
export async function revokeToken(project: { id: string; name: string }, tokenId: string, actor: Actor): Promise<void> {
  await db().$transaction(async (tx) => {
    const t = await tx.apiToken.findFirst({ where: { id: tokenId, projectId: project.id } });
    if (!t) throw notFound(`Project "${project.name}" has no token with id "${tokenId}".`);
    if (t.revokedAt) return;
    await tx.apiToken.update({ where: { id: t.id }, data: { revokedAt: new Date() } });
    await recordAudit(
      { actor, projectId: project.id, action: "token.revoke", targetType: "api_token", targetName: `${t.name} (${t.prefix})`, details: { tokenId: t.id } },
      tx,
    );
  });
  await afterRegistryChange({ kind: "access" });
}
