import "server-only";
import type { Prisma } from "../db/generated/client";
import { conflict } from "../errors";

/**
 * Refuses a change that would leave a project without an admin member. Locks the project's admin
 * memberships first, so two admins demoting each other at the same moment cannot both succeed.
 */
export async function assertNotLastAdmin(
  tx: Prisma.TransactionClient,
  project: { id: string; name: string },
  userId: string,
  email: string,
): Promise<void> {
  const admins = await tx.$queryRaw<{ userId: string }[]>`
    SELECT "userId" FROM "Membership" WHERE "projectId" = ${project.id} AND role = 'admin' FOR UPDATE`;
  if (admins.length <= 1 && admins.some((a) => a.userId === userId)) {
    throw conflict(`${email} is the last admin of project "${project.name}"; make another member admin first.`);
  }
}
