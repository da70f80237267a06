// Creates a project API token. The secret is returned once and stored only as an HMAC. A token
// may not be created with more rights than its creator has in the project (role and restricted
// views); resolve-principal also caps it at the creator's rights at every use.
import "server-only";
import { recordAudit } from "../audit/record";
import { ROLE_RANK, type Role } from "../auth/permissions";
import { grantFor } from "../auth/principal";
import { hashSecret, newApiToken } from "../auth/secrets";
import { db } from "../db/client";
import { forbidden, notFound } from "../errors";
import type { Actor } from "./actor";
import { tokenView, type TokenView } from "./views";

export interface CreateTokenInput {
  name: string;
  role: Role;
  expiresInDays?: number;
  restrictedGrants?: string[];
}

interface CreatorRights {
  userId: string;
  role: Role;
  /** null = may read every restricted view (project admins, instance admins). */
  restrictedGrants: string[] | null;
}

async function creatorRights(project: { id: string; name: string }, actor: Actor, creatorUserId?: string): Promise<CreatorRights> {
  if (actor.kind === "token") {
    // A token minting a token: bounded by the minting token, not only by its creator.
    const g = grantFor(actor, project.id);
    if (!g) throw forbidden(`This token is not valid for project "${project.name}".`);
    return { userId: actor.userId, role: g.role, restrictedGrants: g.role === "admin" ? null : g.restrictedGrants };
  }
  const userId = creatorUserId ?? (actor.kind === "user" ? actor.userId : undefined);
  if (!userId) throw new Error("createToken: a system actor must name the creating user");
  const user = await db().user.findUnique({
    where: { id: userId },
    include: { memberships: { where: { projectId: project.id } } },
  });
  if (!user || user.disabledAt) throw notFound(`No active user with id "${userId}".`);
  if (user.isAdmin) return { userId, role: "admin", restrictedGrants: null };
  const m = user.memberships[0];
  if (!m) throw forbidden(`${user.email} is not a member of project "${project.name}", so cannot own a token for it.`);
  return { userId, role: m.role, restrictedGrants: m.role === "admin" ? null : m.restrictedGrants };
}

export async function createToken(
  project: { id: string; name: string },
  input: CreateTokenInput,
  actor: Actor,
  opts: { creatorUserId?: string } = {},
): Promise<TokenView & { token: string }> {
  const creator = await creatorRights(project, actor, opts.creatorUserId);
  if (ROLE_RANK[input.role] > ROLE_RANK[creator.role]) {
    throw forbidden(`A token cannot have more rights than its creator: you are ${creator.role} in "${project.name}", the token asks for ${input.role}.`);
  }
  const restrictedGrants = [...new Set(input.restrictedGrants ?? [])];
  const beyond = creator.restrictedGrants === null ? [] : restrictedGrants.filter((v) => !creator.restrictedGrants!.includes(v));
  if (beyond.length) throw forbidden(`You may not grant restricted views you cannot read yourself: ${beyond.join(", ")}.`);

  const { token, prefix } = newApiToken();
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 86_400_000) : null;
  return db().$transaction(async (tx) => {
    const row = await tx.apiToken.create({
      data: {
        name: input.name.trim(),
        prefix,
        tokenHash: hashSecret(token),
        projectId: project.id,
        role: input.role,
        restrictedGrants,
        createdById: creator.userId,
        expiresAt,
      },
      include: { createdBy: { select: { email: true } } },
    });
    await recordAudit(
      {
        actor,
        projectId: project.id,
        action: "token.create",
        targetType: "api_token",
        targetName: `${row.name} (${prefix})`,
        details: { tokenId: row.id, role: row.role, restrictedGrants, expiresAt, owner: row.createdBy.email },
      },
      tx,
    );
    return { ...tokenView(row), token };
  });
}
