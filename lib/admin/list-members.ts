import "server-only";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";
import { memberView, type MemberView } from "./views";

export async function listMembers(projectId: string, q: { limit: number; offset: number }): Promise<Page<MemberView>> {
  const where = { projectId };
  const p = await page(
    q,
    () => db().membership.count({ where }),
    (pg) =>
      db().membership.findMany({
        where,
        include: { user: { select: { email: true, name: true } } },
        orderBy: [{ user: { email: "asc" } }],
        ...pg,
      }),
  );
  return { ...p, items: p.items.map(memberView) };
}
