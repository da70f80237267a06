import "server-only";
import { recordAudit } from "../audit/record";
import type { Role } from "../auth/permissions";
import { afterRegistryChange } from "../registry/after-registry-change";
import { db } from "../db/client";
import { notFound } from "../errors";
import type { Actor } from "./actor";
import { assertNotLastAdmin } from "./members-guard";
import { memberView, type MemberView } from "./views";

export async function updateMember(
  project: { id: string; name: string },
  userId: string,
  input: { role?: Role; restrictedGrants?: string[] },
  actor: Actor,
): Promise<MemberView> {
  const member = await db().$transaction(async (tx) => {
    const before = await tx.membership.findUnique({
      where: { projectId_userId: { projectId: project.id, userId } },
      include: { user: { select: { email: true } } },
    });
    if (!before) throw notFound(`User "${userId}" is not a member of "${project.name}".`);
    if (before.role === "admin" && input.role !== undefined && input.role !== "admin") {
      await assertNotLastAdmin(tx, project, userId, before.user.email);
    }
    const restrictedGrants = input.restrictedGrants ? [...new Set(input.restrictedGrants)] : undefined;
    const m = await tx.membership.update({
      where: { id: before.id },
      data: { role: input.role, restrictedGrants },
      include: { user: { select: { email: true, name: true } } },
    });
    await recordAudit(
      {
        actor,
        projectId: project.id,
        action: "membership.update",
        targetType: "user",
        targetName: before.user.email,
        details: {
          ...(input.role !== undefined ? { role: { from: before.role, to: m.role } } : {}),
          ...(restrictedGrants ? { restrictedGrants: { from: before.restrictedGrants, to: m.restrictedGrants } } : {}),
        },
      },
      tx,
    );
    return memberView(m);
  });
  await afterRegistryChange({ kind: "access" });
  return member;
}
