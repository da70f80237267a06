// Creates a project. The creating user (if any) becomes its first admin, so the project is
// never without someone who can manage members.
import "server-only";
import { recordAudit } from "../audit/record";
import { db } from "../db/client";
import { badRequest, conflict, notFound } from "../errors";
import { NAME_PATTERN } from "../registry/repo-schema";
import type { Actor } from "./actor";

export interface ProjectView {
  id: string;
  name: string;
  description: string;
  createdAt: string;
}

export async function createProject(
  input: { name: string; description?: string; adminUserId?: string },
  actor: Actor,
): Promise<ProjectView> {
  if (!NAME_PATTERN.test(input.name) || input.name.length > 128) {
    throw badRequest(`"${input.name}" is not a valid project name.`, [
      { name: "name", reason: "must start with a letter or _ and contain only letters, digits and _" },
    ]);
  }
  const adminUserId = input.adminUserId ?? (actor.kind === "user" ? actor.userId : undefined);
  return db().$transaction(async (tx) => {
    const existing = await tx.project.findUnique({ where: { name: input.name } });
    if (existing) {
      throw conflict(
        existing.archivedAt
          ? `Project "${input.name}" exists but is archived; choose another name.`
          : `Project "${input.name}" already exists.`,
      );
    }
    if (adminUserId && !(await tx.user.findUnique({ where: { id: adminUserId }, select: { id: true } }))) {
      throw notFound(`No user with id "${adminUserId}".`);
    }
    const project = await tx.project.create({ data: { name: input.name, description: input.description ?? "" } });
    if (adminUserId) await tx.membership.create({ data: { projectId: project.id, userId: adminUserId, role: "admin" } });
    await recordAudit({ actor, projectId: project.id, action: "project.create", targetType: "project", targetName: project.name }, tx);
    return { id: project.id, name: project.name, description: project.description, createdAt: project.createdAt.toISOString() };
  });
}
