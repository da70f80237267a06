import "server-only";
import { page, type Page } from "../shared/paging";
import { db } from "../db/client";
import { tokenView, type TokenView } from "./views";

/** The project's tokens, newest first. The hash never leaves the database. */
export async function listTokens(projectId: string, q: { limit: number; offset: number }): Promise<Page<TokenView>> {
  const where = { projectId };
  const p = await page(
    q,
    () => db().apiToken.count({ where }),
    (pg) =>
      db().apiToken.findMany({
        where,
        select: {
          id: true,
          name: true,
          prefix: true,
          role: true,
          restrictedGrants: true,
          createdAt: true,
          lastUsedAt: true,
          expiresAt: true,
          revokedAt: true,
          createdBy: { select: { email: true } },
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
        ...pg,
      }),
  );
  return { ...p, items: p.items.map(tokenView) };
}
