// Materialize-incremental: for each view's latest version, the window from the end of what is
// already materialized (MaterializedInterval) to now. A version never materialized starts at
// now − max(ttl, largest aggregation window, 1 day), so online values are complete from the start.
import "server-only";
import { db } from "../db/client";
import { createMaterializeJob, type JobRow } from "./create-job";
import { resolveTargetViews, type TargetView } from "./resolve-views";

const DAY_S = 86_400;

export interface IncrementalRequest {
  projectId: string;
  featureViews?: string[];
  triggeredBy: string;
  now?: Date;
}

export interface IncrementalResult {
  jobs: JobRow[];
  /** Views with nothing to do (already materialized up to now). */
  skipped: { featureView: string; reason: string }[];
}

export async function incrementalStart(view: Pick<TargetView, "versionId" | "ttlSeconds" | "largestWindowSeconds">, now: Date): Promise<Date> {
  const last = await db().materializedInterval.aggregate({ where: { versionId: view.versionId }, _max: { end: true } });
  if (last._max.end) return last._max.end;
  const lookback = Math.max(view.ttlSeconds ?? 0, view.largestWindowSeconds, DAY_S);
  return new Date(now.getTime() - lookback * 1000);
}

export async function materializeIncremental(req: IncrementalRequest): Promise<IncrementalResult> {
  const now = req.now ?? new Date();
  const views = await resolveTargetViews(req.projectId, req.featureViews);
  const out: IncrementalResult = { jobs: [], skipped: [] };
  for (const v of views) {
    const start = await incrementalStart(v, now);
    if (start.getTime() >= now.getTime()) {
      out.skipped.push({ featureView: v.viewName, reason: `already materialized up to ${start.toISOString()}` });
      continue;
    }
    out.jobs.push(
      await createMaterializeJob({
        kind: "materialize_incremental",
        projectId: req.projectId,
        featureViewId: v.featureViewId,
        version: v.version,
        windowStart: start,
        windowEnd: now,
        params: { writeOffline: v.offline, writeOnline: v.online },
        triggeredBy: req.triggeredBy,
      }),
    );
  }
  return out;
}
