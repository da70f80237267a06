import "server-only";
import { recordAudit } from "../audit/record";
import { afterRegistryChange } from "../registry/after-registry-change";
import { normalizeEmail } from "../auth/login";
import type { Role } from "../auth/permissions";
import { db } from "../db/client";
import { conflict, notFound } from "../errors";
import type { Actor } from "./actor";
import { memberView, type MemberView } from "./views";

export async function addMember(
  project: { id: string; name: string },
  input: { email: string; role: Role; restrictedGrants?: string[] },
  actor: Actor,
): Promise<MemberView> {
  const email = normalizeEmail(input.email);
  const added = await db().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { email }, select: { id: true } });
    if (!user) throw notFound(`No user has the e-mail address ${email}; an instance administrator must create the user first.`);
    const existing = await tx.membership.findUnique({ where: { projectId_userId: { projectId: project.id, userId: user.id } } });
    if (existing) throw conflict(`${email} is already a member of "${project.name}" (role ${existing.role}); change the role instead.`);
    const restrictedGrants = [...new Set(input.restrictedGrants ?? [])];
    const m = await tx.membership.create({
      data: { projectId: project.id, userId: user.id, role: input.role, restrictedGrants },
      include: { user: { select: { email: true, name: true } } },
    });
    await recordAudit(
      { actor, projectId: project.id, action: "membership.add", targetType: "user", targetName: email, details: { role: input.role, restrictedGrants } },
      tx,
    );
    return memberView(m);
  });
  // Cached principals of this user (tokens of theirs in other processes) gain the new grant now.
  await afterRegistryChange({ kind: "access" });
  return added;
}
