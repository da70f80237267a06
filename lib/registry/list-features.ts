// Every feature of the latest version of each view, flattened, with filters (view, dtype, text).
import "server-only";
import type { ProjectRef } from "../auth/authorize";
import { db } from "../db/client";
import { Prisma } from "../db/generated/client";
import { pageOf, type Page } from "../shared/paging";
import { hrefs } from "../shared/hrefs";
import { featureKind, iso, objectOf, tagsOf, type ListOptions } from "./read-common";
import type { FeatureListItemOut } from "./read-models";

export interface FeatureFilters {
  view?: string;
  dtype?: string;
  /** Case-insensitive substring of the feature name, its description or its view's name. */
  q?: string;
}

interface FeatureRow {
  view: string;
  version: number;
  name: string;
  dtype: string;
  description: string;
  kind: string;
  aggregation: Prisma.JsonValue | null;
  entities: string[];
  owner: string;
  tags: Prisma.JsonValue;
  restricted: boolean;
  createdAt: Date;
  total: number;
}

const ORDER: Record<ListOptions["sort"], Prisma.Sql> = {
  name: Prisma.sql`f.name ASC, fv.name ASC`,
  "-name": Prisma.sql`f.name DESC, fv.name ASC`,
  updatedAt: Prisma.sql`v."createdAt" ASC, fv.name ASC, f.position ASC`,
  "-updatedAt": Prisma.sql`v."createdAt" DESC, fv.name ASC, f.position ASC`,
};

/** LIKE pattern matching `s` literally. */
export function likeContains(s: string): string {
  return `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export async function listFeatures(project: ProjectRef, q: ListOptions & FeatureFilters): Promise<Page<FeatureListItemOut>> {
  const conds: Prisma.Sql[] = [Prisma.sql`fv."projectId" = ${project.id}`];
  if (!q.includeArchived) conds.push(Prisma.sql`fv."archivedAt" IS NULL`);
  if (q.view) conds.push(Prisma.sql`fv.name = ${q.view}`);
  if (q.dtype) conds.push(Prisma.sql`f.dtype = ${q.dtype}`);
  if (q.q) {
    const like = likeContains(q.q);
    conds.push(Prisma.sql`(f.name ILIKE ${like} OR f.description ILIKE ${like} OR fv.name ILIKE ${like})`);
  }
  const rows = await db().$queryRaw<FeatureRow[]>`
    SELECT fv.name AS view, v.version, f.name, f.dtype, f.description, f.kind, f.aggregation,
           v."entityNames" AS entities, fv.owner, fv.tags, fv.restricted, v."createdAt",
           (count(*) OVER ())::int AS total
    FROM "Feature" f
    JOIN "FeatureViewVersion" v ON v.id = f."versionId"
    JOIN "FeatureView" fv ON fv.id = v."featureViewId" AND v.version = fv."latestVersion"
    WHERE ${Prisma.join(conds, " AND ")}
    ORDER BY ${ORDER[q.sort]}
    LIMIT ${q.limit} OFFSET ${q.offset}`;
  // count(*) OVER () is absent when the page is past the end; count separately then.
  const total =
    rows[0]?.total ??
    (
      await db().$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM "Feature" f
        JOIN "FeatureViewVersion" v ON v.id = f."versionId"
        JOIN "FeatureView" fv ON fv.id = v."featureViewId" AND v.version = fv."latestVersion"
        WHERE ${Prisma.join(conds, " AND ")}`
    )[0].n;
  const items = rows.map(
    (r): FeatureListItemOut => ({
      view: r.view,
      version: r.version,
      name: r.name,
      qualifiedName: `${r.view}:${r.name}`,
      dtype: r.dtype,
      description: r.description,
      kind: featureKind(r.kind),
      aggregation: r.aggregation === null ? null : objectOf(r.aggregation),
      entities: r.entities,
      owner: r.owner,
      tags: tagsOf(r.tags),
      restricted: r.restricted,
      createdAt: iso(r.createdAt),
      href: hrefs.feature(project.name, r.view, r.version, r.name),
    }),
  );
  return pageOf(items, total, q);
}
