// Freshness of feature views (docs/monitoring.md, "Freshness"): the objective (the repo's
// `freshness`, or twice the cron schedule's interval) against the newest materialized interval end
// of the latest version and the last successful job. Used by the monitor's stale evaluator and by
// online reads that ask for staleness (include_staleness).
import "server-only";
import { CronExpressionParser } from "cron-parser";
import { db } from "../db/client";
import { monitoringOf } from "./monitoring-config";

/** The objective in seconds: declared, else twice the cron interval, else null (not monitored). */
export function freshnessObjectiveSeconds(monitoring: unknown, schedule: string | undefined, now = new Date()): number | null {
  const declared = monitoringOf(monitoring).freshnessSeconds;
  if (declared) return declared;
  if (!schedule) return null;
  try {
    const it = CronExpressionParser.parse(schedule, { currentDate: now, tz: "UTC" });
    const a = it.next().getTime();
    const b = it.next().getTime();
    return Math.round((2 * (b - a)) / 1000);
  } catch {
    return null;
  }
}

export interface Freshness {
  objectiveSeconds: number;
  materializedUntil: Date | null;
  lastSuccessAt: Date | null;
  stale: boolean;
  reason: string;
}

/** Freshness of the latest version of each view (null: no objective). */
export async function viewFreshness(projectId: string, now: Date, viewNames?: string[]): Promise<Map<string, Freshness | null>> {
  const views = await db().featureView.findMany({
    where: { projectId, archivedAt: null, ...(viewNames ? { name: { in: viewNames } } : {}) },
    select: { id: true, name: true, latestVersion: true, versions: { select: { id: true, version: true, monitoring: true, materialization: true } } },
  });
  const out = new Map<string, Freshness | null>();
  const latestIds = views.map((v) => v.versions.find((x) => x.version === v.latestVersion)?.id).filter((x): x is string => !!x);
  const until = await db().materializedInterval.groupBy({ by: ["versionId"], where: { versionId: { in: latestIds } }, _max: { end: true } });
  const untilBy = new Map(until.map((u) => [u.versionId, u._max.end]));
  const success = await db().job.findMany({
    where: { projectId, featureViewId: { in: views.map((v) => v.id) }, status: "succeeded" },
    orderBy: [{ featureViewId: "asc" }, { finishedAt: "desc" }],
    distinct: ["featureViewId"],
    select: { featureViewId: true, finishedAt: true },
  });
  const successBy = new Map(success.map((s) => [s.featureViewId, s.finishedAt]));
  for (const v of views) {
    const ver = v.versions.find((x) => x.version === v.latestVersion);
    const objective = ver ? freshnessObjectiveSeconds(ver.monitoring, (ver.materialization as { schedule?: string })?.schedule, now) : null;
    if (!ver || !objective) {
      out.set(v.name, null);
      continue;
    }
    const materializedUntil = untilBy.get(ver.id) ?? null;
    const lastSuccessAt = successBy.get(v.id) ?? null;
    const limit = now.getTime() - objective * 1000;
    const reasons: string[] = [];
    if (!materializedUntil) reasons.push(`v${ver.version} was never materialized`);
    else if (materializedUntil.getTime() < limit) reasons.push(`materialized only up to ${materializedUntil.toISOString()}`);
    if (!lastSuccessAt) reasons.push("no successful run");
    else if (lastSuccessAt.getTime() < limit) reasons.push(`last successful run at ${lastSuccessAt.toISOString()}`);
    out.set(v.name, { objectiveSeconds: objective, materializedUntil, lastSuccessAt, stale: reasons.length > 0, reason: reasons.join("; ") });
  }
  return out;
}

