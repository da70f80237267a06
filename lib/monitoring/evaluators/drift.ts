// drift: a feature of a view's latest version whose newest partition's PSI is above its threshold.
import "server-only";
import { db } from "../../db/client";
import { featureSubject, hrefs, type Evaluator } from "../conditions";

export const evaluateDrift: Evaluator = async (p) => {
  const views = await db().featureView.findMany({ where: { projectId: p.id, archivedAt: null }, select: { name: true, latestVersion: true, versions: { select: { id: true, version: true } } } });
  const out = [];
  for (const v of views) {
    const ver = v.versions.find((x) => x.version === v.latestVersion);
    if (!ver) continue;
    const latest = await db().driftResult.findMany({ where: { versionId: ver.id }, orderBy: [{ featureName: "asc" }, { partition: "desc" }], distinct: ["featureName"] });
    for (const d of latest) {
      out.push({
        kind: "drift" as const,
        subject: featureSubject(v.name, d.featureName),
        viewName: v.name,
        firing: d.drifting,
        summary: `${v.name}:${d.featureName} PSI ${d.psi.toFixed(3)} ${d.drifting ? ">" : "≤"} ${d.threshold} on ${d.partition} vs ${d.reference}`,
        href: hrefs.feature(p.name, v.name, d.featureName),
        evidence: { feature: d.featureName, partition: d.partition, reference: d.reference, psi: d.psi, threshold: d.threshold },
      });
    }
  }
  return out;
};
