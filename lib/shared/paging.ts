// Paging for every list endpoint: `?limit=1..200` (default 50) and `?offset=` (default 0).
// Offsets (not cursors) because the console shows page numbers and sortable tables, and
// registry lists are small enough that OFFSET is cheap. Responses carry `total` so clients
// know how many pages there are, and `nextOffset` (null on the last page) for simple loops.
import { z } from "zod";

export const MAX_PAGE_LIMIT = 200;
export const DEFAULT_PAGE_LIMIT = 50;

/** Query schema of a list endpoint. Extend it for filters/sorting: `PageQuery.extend({ sort: ... })`. */
export const PageQuery = z
  .object({
    limit: z.coerce
      .number({ error: "limit must be a whole number" })
      .int("limit must be a whole number")
      .min(1, "limit must be at least 1")
      .max(MAX_PAGE_LIMIT, `limit must be at most ${MAX_PAGE_LIMIT}`)
      .default(DEFAULT_PAGE_LIMIT),
    offset: z.coerce
      .number({ error: "offset must be a whole number" })
      .int("offset must be a whole number")
      .min(0, "offset must be 0 or more")
      .default(0),
  })
  .strict();

export type PageQuery = z.output<typeof PageQuery>;

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
  /** Offset of the next page, or null when this is the last one. */
  nextOffset: number | null;
}

/** Response schema of a list endpoint, for the OpenAPI document. */
export function PageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    nextOffset: z.number().int().nullable(),
  });
}

/**
 * Runs a count and a page query (in parallel) and wraps them. Pass Prisma's `skip`/`take`
 * through: `page(q, () => db().x.count({ where }), (p) => db().x.findMany({ where, ...p }))`.
 */
export async function page<T>(
  q: Pick<PageQuery, "limit" | "offset">,
  count: () => Promise<number>,
  fetch: (p: { skip: number; take: number }) => Promise<T[]>,
): Promise<Page<T>> {
  const [total, items] = await Promise.all([count(), fetch({ skip: q.offset, take: q.limit })]);
  return pageOf(items, total, q);
}

/** Wraps items already cut to one page (e.g. from an in-memory list: pass `all.slice(...)`). */
export function pageOf<T>(items: T[], total: number, q: Pick<PageQuery, "limit" | "offset">): Page<T> {
  const next = q.offset + items.length;
  return { items, total, limit: q.limit, offset: q.offset, nextOffset: items.length > 0 && next < total ? next : null };
}

/** Pages an in-memory array. */
export function pageArray<T>(all: T[], q: Pick<PageQuery, "limit" | "offset">): Page<T> {
  return pageOf(all.slice(q.offset, q.offset + q.limit), all.length, q);
}
