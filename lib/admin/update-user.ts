// Instance-admin changes to a user. Disabling a user or changing their password ends their
// console sessions (a stolen session must not outlive a password reset).
import "server-only";
import { afterRegistryChange } from "../registry/after-registry-change";
import { recordAudit } from "../audit/record";
import { hashPassword } from "../auth/secrets";
import { db, type Prisma } from "../db/client";
import { conflict, notFound } from "../errors";
import type { Actor } from "./actor";
import { USER_INCLUDE, userView, type UserView } from "./views";

export interface UpdateUserInput {
  name?: string;
  isAdmin?: boolean;
  disabled?: boolean;
  password?: string;
}

/** `tx`: run inside the caller's transaction (tests use this to check the guard without committing). */
export async function updateUser(userId: string, input: UpdateUserInput, actor: Actor, tx?: Prisma.TransactionClient): Promise<UserView> {
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const run = async (tx: Prisma.TransactionClient): Promise<UserView> => {
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw notFound(`No user with id "${userId}".`);
    const losesAdmin = before.isAdmin && !before.disabledAt && (input.isAdmin === false || input.disabled === true);
    if (losesAdmin) {
      // Lock the active admins so two concurrent demotions cannot both pass this check.
      const admins = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM "User" WHERE "isAdmin" = true AND "disabledAt" IS NULL FOR UPDATE`;
      if (admins.length <= 1) {
        throw conflict(`${before.email} is the last active instance administrator; make someone else an administrator first.`);
      }
    }
    const disabledAt = input.disabled === undefined ? undefined : input.disabled ? (before.disabledAt ?? new Date()) : null;
    const user = await tx.user.update({
      where: { id: userId },
      data: { name: input.name, isAdmin: input.isAdmin, disabledAt, passwordHash },
      include: USER_INCLUDE,
    });
    if (input.disabled === true || passwordHash) {
      // The caller's own session survives their own password change.
      const keep = actor.kind === "user" && actor.userId === userId && !input.disabled ? actor.sessionId : undefined;
      await tx.session.deleteMany({ where: { userId, ...(keep ? { id: { not: keep } } : {}) } });
    }
    const changed = Object.fromEntries(
      Object.entries({ name: input.name, isAdmin: input.isAdmin, disabled: input.disabled, password: passwordHash ? "changed" : undefined }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    await recordAudit({ actor, action: "user.update", targetType: "user", targetName: user.email, details: changed }, tx);
    return userView(user);
  };
  const user = await (tx ? run(tx) : db().$transaction(run));
  await afterRegistryChange({ kind: "access" });
  return user;
}
