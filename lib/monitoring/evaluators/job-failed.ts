// job_failed: a view whose latest finished top-level job failed (fires until a job of it succeeds:
// the recovery is the "job recovered" alert).
import "server-only";
import { db } from "../../db/client";
import { hrefs, viewSubject, type Evaluator } from "../conditions";

export const evaluateJobFailed: Evaluator = async (p) => {
  const views = await db().featureView.findMany({ where: { projectId: p.id, archivedAt: null }, select: { id: true, name: true } });
  if (!views.length) return [];
  // The latest finished top-level job per view, in one query.
  const latest = await db().job.findMany({
    where: { projectId: p.id, parentId: null, featureViewId: { in: views.map((v) => v.id) }, status: { in: ["succeeded", "failed"] } },
    orderBy: [{ featureViewId: "asc" }, { finishedAt: "desc" }],
    distinct: ["featureViewId"],
    select: { id: true, featureViewId: true, status: true, kind: true, errorStep: true, error: true, finishedAt: true },
  });
  const byView = new Map(latest.map((j) => [j.featureViewId, j]));
  return views.flatMap((v) => {
    const j = byView.get(v.id);
    if (!j) return [];
    const failed = j.status === "failed";
    return [
      {
        kind: "job_failed" as const,
        subject: viewSubject(v.name),
        viewName: v.name,
        firing: failed,
        summary: failed ? `${j.kind} job of ${v.name} failed${j.errorStep ? ` at step ${j.errorStep}` : ""}` : `latest ${j.kind} job of ${v.name} succeeded`,
        href: hrefs.job(p.name, j.id),
        evidence: { jobId: j.id, status: j.status, errorStep: j.errorStep, error: j.error, finishedAt: j.finishedAt?.toISOString() ?? null },
      },
    ];
  });
};
