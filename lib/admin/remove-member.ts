import "server-only";
import { recordAudit } from "../audit/record";
import { afterRegistryChange } from "../registry/after-registry-change";
import { db } from "../db/client";
import { notFound } from "../errors";
import type { Actor } from "./actor";
import { assertNotLastAdmin } from "./members-guard";

/** Removes a member. Their tokens for this project stop working (a token never outranks its creator). */
export async function removeMember(project: { id: string; name: string }, userId: string, actor: Actor): Promise<void> {
  await db().$transaction(async (tx) => {
    const before = await tx.membership.findUnique({
      where: { projectId_userId: { projectId: project.id, userId } },
      include: { user: { select: { email: true } } },
    });
    if (!before) throw notFound(`User "${userId}" is not a member of "${project.name}".`);
    if (before.role === "admin") await assertNotLastAdmin(tx, project, userId, before.user.email);
    await tx.membership.delete({ where: { id: before.id } });
    // They can no longer see the project, so they should no longer get its alert e-mails.
    await tx.alertSubscription.deleteMany({ where: { projectId: project.id, userId } });
    await recordAudit(
      { actor, projectId: project.id, action: "membership.remove", targetType: "user", targetName: before.user.email, details: { role: before.role } },
      tx,
    );
  });
  await afterRegistryChange({ kind: "access" });
}
