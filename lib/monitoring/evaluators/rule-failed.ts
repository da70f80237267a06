// rule_failed: a view whose latest checked materialization has rules that did not pass (warn or fail).
import "server-only";
import { db } from "../../db/client";
import { hrefs, viewSubject, type Evaluator } from "../conditions";

export const evaluateRuleFailed: Evaluator = async (p) => {
  const views = await db().featureView.findMany({ where: { projectId: p.id, archivedAt: null }, select: { name: true, latestVersion: true, versions: { select: { id: true, version: true } } } });
  const out = [];
  for (const v of views) {
    const ver = v.versions.find((x) => x.version === v.latestVersion);
    if (!ver) continue;
    const last = await db().qualityResult.findFirst({ where: { versionId: ver.id }, orderBy: { createdAt: "desc" }, select: { jobId: true } });
    if (!last) continue;
    const results = await db().qualityResult.findMany({ where: { versionId: ver.id, jobId: last.jobId }, orderBy: [{ partition: "asc" }, { rule: "asc" }] });
    const bad = results.filter((r) => r.status !== "pass");
    out.push({
      kind: "rule_failed" as const,
      subject: viewSubject(v.name),
      viewName: v.name,
      firing: bad.length > 0,
      // Rule names, features and partitions only: the messages (with observed values) stay in evidence.
      summary: bad.length
        ? `${bad.length} of ${results.length} rule check(s) of ${v.name} not passing: ${[...new Set(bad.map((r) => `${r.rule}${r.feature ? ` on ${r.feature}` : ""} (${r.status})`))].slice(0, 5).join(", ")}`
        : `all ${results.length} rule check(s) of ${v.name} pass`,
      href: last.jobId ? hrefs.job(p.name, last.jobId) : hrefs.view(p.name, v.name),
      evidence: { jobId: last.jobId, results: bad.map((r) => ({ partition: r.partition, rule: r.rule, feature: r.feature, status: r.status, message: r.message })) },
    });
  }
  return out;
};
