import "server-only";
import type { Prisma } from "../db/generated/client";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";
import { USER_INCLUDE, userView, type UserView } from "./views";

export async function listUsers(q: { limit: number; offset: number; q?: string }): Promise<Page<UserView>> {
  const where: Prisma.UserWhereInput = q.q
    ? { OR: [{ email: { contains: q.q, mode: "insensitive" } }, { name: { contains: q.q, mode: "insensitive" } }] }
    : {};
  const p = await page(
    q,
    () => db().user.count({ where }),
    (pg) => db().user.findMany({ where, include: USER_INCLUDE, orderBy: { email: "asc" }, ...pg }),
  );
  return { ...p, items: p.items.map(userView) };
}
