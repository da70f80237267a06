// Small pieces shared by the registry read use cases: list options, sorting, JSON column shapes.
import "server-only";
import type { ListOptions, Sort } from "./list-query";
import type { Prisma } from "../db/generated/client";

export type { ListOptions, Sort };

/** Prisma orderBy for a list sort; name breaks ties so pages are stable. */
export function orderByFor(sort: Sort): Array<{ name?: "asc" | "desc"; updatedAt?: "asc" | "desc" }> {
  switch (sort) {
    case "name":
      return [{ name: "asc" }];
    case "-name":
      return [{ name: "desc" }];
    case "updatedAt":
      return [{ updatedAt: "asc" }, { name: "asc" }];
    case "-updatedAt":
      return [{ updatedAt: "desc" }, { name: "asc" }];
  }
}

export function archivedFilter(includeArchived: boolean): { archivedAt?: null } {
  return includeArchived ? {} : { archivedAt: null };
}

export const iso = (d: Date): string => d.toISOString();
export const isoOrNull = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function tagsOf(json: Prisma.JsonValue): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(json)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

export function objectOf(json: Prisma.JsonValue | null | undefined): Record<string, unknown> {
  return json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
}

export function materializationOf(json: Prisma.JsonValue): { online: boolean; offline: boolean; schedule?: string } {
  const m = objectOf(json);
  return {
    online: m.online !== false,
    offline: m.offline !== false,
    ...(typeof m.schedule === "string" && m.schedule ? { schedule: m.schedule } : {}),
  };
}

interface CommonRow {
  name: string;
  description: string;
  owner: string;
  tags: Prisma.JsonValue;
  createdAt: Date;
  updatedAt: Date;
  archivedAt: Date | null;
}

/** The fields every catalog object shares in API output. */
export function commonOut(row: CommonRow, href: string) {
  return {
    name: row.name,
    description: row.description,
    owner: row.owner,
    tags: tagsOf(row.tags),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    archived: row.archivedAt !== null,
    archivedAt: isoOrNull(row.archivedAt),
    href,
  };
}

export function featureKind(kind: string): "field" | "aggregation" {
  return kind === "aggregation" ? "aggregation" : "field";
}
