// skew: a view whose latest training/serving skew check found online values that differ from the
// historical retrieval at the same materialization time.
import "server-only";
import { db } from "../../db/client";
import { hrefs, viewSubject, type Evaluator } from "../conditions";

export const evaluateSkew: Evaluator = async (p) => {
  const checks = await db().skewCheck.findMany({ where: { projectId: p.id }, orderBy: [{ viewName: "asc" }, { checkedAt: "desc" }], distinct: ["viewName"] });
  const live = new Set((await db().featureView.findMany({ where: { projectId: p.id, archivedAt: null }, select: { name: true } })).map((v) => v.name));
  return checks
    .filter((c) => live.has(c.viewName))
    .map((c) => {
      const features = (c.features as { feature: string; compared: number; mismatches: number }[]) ?? [];
      const bad = features.filter((f) => f.mismatches > 0);
      return {
        kind: "skew" as const,
        subject: viewSubject(c.viewName),
        viewName: c.viewName,
        firing: c.mismatches > 0,
        summary: bad.length
          ? `online/offline skew in ${c.viewName}@v${c.version}: ${bad.map((f) => `${f.feature} ${f.mismatches}/${f.compared}`).join(", ")} differ (${c.entities} entities as of ${c.asOf.toISOString()})`
          : `no skew in ${c.viewName}@v${c.version} (${c.entities} entities as of ${c.asOf.toISOString()})`,
        href: hrefs.view(p.name, c.viewName),
        evidence: { checkId: c.id, version: c.version, asOf: c.asOf.toISOString(), entities: c.entities, features: c.features },
      };
    });
};
