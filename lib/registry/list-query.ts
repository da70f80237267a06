// The query of every registry list endpoint (paging, sorting, archived objects hidden by default).
// Kept free of server-only imports: the endpoint contracts (and so client code) use it.
import "server-only";
import { z } from "zod";
import { PageQuery } from "../shared/paging";

export const SORTS = ["name", "-name", "updatedAt", "-updatedAt"] as const;
export type Sort = (typeof SORTS)[number];

export const SortQuery = z
  .enum(SORTS, { message: `sort must be one of ${SORTS.join(", ")}` })
  .default("name")
  .meta({ description: "Sort order; a leading - sorts descending." });

export const ListQuery = PageQuery.extend({
  sort: SortQuery,
  includeArchived: z
    .stringbool({ error: 'includeArchived must be "true" or "false"' })
    .default(false)
    .meta({ description: "Also list archived objects." }),
});
export type ListOptions = Pick<z.output<typeof ListQuery>, "limit" | "offset" | "sort" | "includeArchived">;

export const DEFAULT_LIST: ListOptions = { limit: 50, offset: 0, sort: "name", includeArchived: false };
