// Active feature views whose latest version reads a source or describes an entity.
import "server-only";
import { db } from "../db/client";
import { hrefs } from "../shared/hrefs";

export async function viewsUsing(
  project: { id: string; name: string },
  what: { source: string } | { entity: string },
): Promise<Array<{ name: string; latestVersion: number; href: string }>> {
  const rows =
    "source" in what
      ? await db().$queryRaw<Array<{ name: string; latestVersion: number }>>`
          SELECT fv.name, fv."latestVersion" FROM "FeatureView" fv
          JOIN "FeatureViewVersion" v ON v."featureViewId" = fv.id AND v.version = fv."latestVersion"
          WHERE fv."projectId" = ${project.id} AND fv."archivedAt" IS NULL AND v."sourceName" = ${what.source}
          ORDER BY fv.name`
      : await db().$queryRaw<Array<{ name: string; latestVersion: number }>>`
          SELECT fv.name, fv."latestVersion" FROM "FeatureView" fv
          JOIN "FeatureViewVersion" v ON v."featureViewId" = fv.id AND v.version = fv."latestVersion"
          WHERE fv."projectId" = ${project.id} AND fv."archivedAt" IS NULL AND ${what.entity} = ANY(v."entityNames")
          ORDER BY fv.name`;
  return rows.map((r) => ({ name: r.name, latestVersion: r.latestVersion, href: hrefs.featureView(project.name, r.name) }));
}
