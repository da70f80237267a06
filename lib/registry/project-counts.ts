// Object counts per project (active objects only), one query for any number of projects.
import "server-only";
import { db } from "../db/client";
import type { ProjectCounts } from "./read-models";
import type { z } from "zod";

type Counts = z.infer<typeof ProjectCounts>;

export async function projectCounts(projectIds: string[]): Promise<Map<string, Counts>> {
  const out = new Map<string, Counts>();
  if (projectIds.length === 0) return out;
  const rows = await db().$queryRaw<Array<{ id: string } & Counts>>`
    SELECT p.id,
      (SELECT count(*) FROM "Entity" e WHERE e."projectId" = p.id AND e."archivedAt" IS NULL)::int AS entities,
      (SELECT count(*) FROM "Source" s WHERE s."projectId" = p.id AND s."archivedAt" IS NULL)::int AS sources,
      (SELECT count(*) FROM "FeatureView" fv WHERE fv."projectId" = p.id AND fv."archivedAt" IS NULL)::int AS "featureViews",
      (SELECT count(*) FROM "Feature" f
         JOIN "FeatureViewVersion" v ON v.id = f."versionId"
         JOIN "FeatureView" fv ON fv.id = v."featureViewId" AND v.version = fv."latestVersion"
        WHERE fv."projectId" = p.id AND fv."archivedAt" IS NULL)::int AS features,
      (SELECT count(*) FROM "FeatureService" fs WHERE fs."projectId" = p.id AND fs."archivedAt" IS NULL)::int AS "featureServices",
      (SELECT count(*) FROM "Model" m WHERE m."projectId" = p.id AND m."archivedAt" IS NULL)::int AS models
    FROM "Project" p WHERE p.id = ANY(${projectIds})`;
  for (const { id, ...counts } of rows) out.set(id, counts);
  return out;
}
