// Reads of monitoring results for the API and console: data-quality results of a job or of a view's
// latest checked job, and a feature's drift over time. Quality messages and observed figures can
// carry values, so for restricted views they are shown only to principals granted the view (others
// see which rule on which feature passed or failed); drift of a restricted view is refused like its
// statistics.
import "server-only";
import { canReadRestrictedView, type ProjectRef } from "../auth/authorize";
import type { Principal } from "../auth/principal";
import { db } from "../db/client";
import { notFound } from "../errors";
import { readableVersionId } from "../quality/readable-version";
import type { DriftPointOut, QualityResultOut } from "./monitoring-schema";

type QualityRow = { partition: string; rule: string; feature: string | null; status: string; onFail: string; observed: number | null; expected: string; message: string; jobId: string | null; createdAt: Date };

function qualityOut(r: QualityRow, hideValues: boolean): QualityResultOut {
  return {
    partition: r.partition.replace(/^date=/, ""),
    rule: r.rule,
    feature: r.feature,
    status: r.status as QualityResultOut["status"],
    onFail: r.onFail as QualityResultOut["onFail"],
    observed: hideValues ? null : r.observed,
    expected: hideValues ? null : r.expected,
    message: hideValues ? `${r.feature ? `${r.feature}: ` : ""}${r.rule} ${r.status} (values hidden: restricted view)` : r.message,
    jobId: r.jobId,
    checkedAt: r.createdAt.toISOString(),
  };
}

async function hidden(principal: Principal, project: ProjectRef, viewId: string): Promise<boolean> {
  const v = await db().featureView.findUnique({ where: { id: viewId }, select: { name: true, restricted: true } });
  return !!v?.restricted && !canReadRestrictedView(principal, project, v.name);
}

/** The rule results one job recorded (empty when its view declares no rules). */
export async function listJobQuality(principal: Principal, project: ProjectRef, jobId: string): Promise<{ jobId: string; items: QualityResultOut[] }> {
  const job = await db().job.findFirst({ where: { id: jobId, projectId: project.id }, select: { id: true, featureViewId: true } });
  if (!job) throw notFound(`Job "${jobId}" does not exist in project "${project.name}".`);
  const rows = await db().qualityResult.findMany({ where: { jobId: job.id }, orderBy: [{ partition: "asc" }, { rule: "asc" }, { feature: "asc" }] });
  const hide = job.featureViewId ? await hidden(principal, project, job.featureViewId) : false;
  return { jobId: job.id, items: rows.map((r) => qualityOut(r, hide)) };
}

/** The results of the latest checked materialization of the view's latest version. */
export async function listViewQuality(principal: Principal, project: ProjectRef, viewName: string): Promise<{ view: string; version: number | null; jobId: string | null; items: QualityResultOut[] }> {
  const view = await db().featureView.findUnique({ where: { projectId_name: { projectId: project.id, name: viewName } }, select: { id: true, latestVersion: true, versions: { select: { id: true, version: true } } } });
  if (!view) throw notFound(`Feature view "${viewName}" does not exist in project "${project.name}".`);
  const ver = view.versions.find((v) => v.version === view.latestVersion);
  const last = ver ? await db().qualityResult.findFirst({ where: { versionId: ver.id }, orderBy: { createdAt: "desc" }, select: { jobId: true } }) : null;
  if (!ver || !last) return { view: viewName, version: ver?.version ?? null, jobId: null, items: [] };
  const rows = await db().qualityResult.findMany({ where: { versionId: ver.id, jobId: last.jobId }, orderBy: [{ partition: "asc" }, { rule: "asc" }, { feature: "asc" }] });
  const hide = await hidden(principal, project, view.id);
  return { view: viewName, version: ver.version, jobId: last.jobId, items: rows.map((r) => qualityOut(r, hide)) };
}

/** PSI per partition of one version (optionally one feature), oldest first. */
export async function listDrift(
  principal: Principal,
  project: ProjectRef,
  viewName: string,
  version: number,
  opts: { feature?: string; partitions: number },
): Promise<{ view: string; version: number; items: DriftPointOut[] }> {
  const versionId = await readableVersionId(principal, project, viewName, version);
  const where = { versionId, ...(opts.feature ? { featureName: opts.feature } : {}) };
  const recent = await db().driftResult.findMany({ where, distinct: ["partition"], select: { partition: true }, orderBy: { partition: "desc" }, take: opts.partitions });
  const oldest = recent.at(-1)?.partition;
  const rows = oldest ? await db().driftResult.findMany({ where: { ...where, partition: { gte: oldest } }, orderBy: [{ partition: "asc" }, { featureName: "asc" }] }) : [];
  return {
    view: viewName,
    version,
    items: rows.map((r) => ({ featureName: r.featureName, partition: r.partition.replace(/^date=/, ""), reference: r.reference, psi: r.psi, threshold: r.threshold, drifting: r.drifting, computedAt: r.computedAt.toISOString() })),
  };
}
