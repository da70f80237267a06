// Creates a console user with an argon2-hashed password.
import "server-only";
import { randomBytes } from "node:crypto";
import { recordAudit } from "../audit/record";
import { normalizeEmail } from "../auth/login";
import { hashPassword } from "../auth/secrets";
import { db } from "../db/client";
import { badRequest, conflict } from "../errors";
import type { Actor } from "./actor";
import { USER_INCLUDE, userView, type UserView } from "./views";

export const MIN_PASSWORD_LENGTH = 8;

export interface CreateUserInput {
  email: string;
  password: string;
  name?: string;
  isAdmin?: boolean;
}

/** A password for users created without one (CLI bootstrap): 20 URL-safe characters. */
export function generatePassword(): string {
  return randomBytes(15).toString("base64url");
}

export async function createUser(input: CreateUserInput, actor: Actor): Promise<UserView> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw badRequest(`"${input.email}" is not an e-mail address.`, [{ name: "email", reason: "must be an e-mail address" }]);
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw badRequest(`The password must be at least ${MIN_PASSWORD_LENGTH} characters.`, [
      { name: "password", reason: `must be at least ${MIN_PASSWORD_LENGTH} characters` },
    ]);
  }
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) {
    throw conflict(`A user with e-mail ${email} already exists.`);
  }
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const user = await tx.user.create({
      data: { email, name: input.name?.trim() ?? "", passwordHash, isAdmin: input.isAdmin ?? false },
      include: USER_INCLUDE,
    });
    await recordAudit(
      { actor, action: "user.create", targetType: "user", targetName: email, details: { isAdmin: user.isAdmin } },
      tx,
    );
    return userView(user);
  });
}
