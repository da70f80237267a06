// Freshness of feature views (docs/monitoring.md, "Freshness"): the objective (the repo's
// `freshness`, or twice the cron schedule's interval) against the newest materialized event time of
// the latest version (DataWatermark; the latest window end before one is recorded) and the last
// successful job. Used by the monitor's stale evaluator and by
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
  /** End of the latest materialized window of the latest version. */
  materializedUntil: Date | null;
  /** The newest event time materialized (DataWatermark); null before the first run that recorded one. */
  newestEventTime: Date | null;
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
  const marks = await db().dataWatermark.findMany({ where: { versionId: { in: latestIds } } });
  const markBy = new Map(marks.map((m) => [m.versionId, m.maxEventTime]));
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
    const newestEventTime = markBy.get(ver.id) ?? null;
    // The newest event time when recorded (a source that stopped producing rows), else the window end.
    const dataTime = newestEventTime ?? materializedUntil;
    const lastSuccessAt = successBy.get(v.id) ?? null;
    const limit = now.getTime() - objective * 1000;
    const reasons: string[] = [];
    if (!dataTime) reasons.push(`v${ver.version} was never materialized`);
    else if (dataTime.getTime() < limit) reasons.push(newestEventTime ? `newest materialized event at ${newestEventTime.toISOString()}` : `materialized only up to ${dataTime.toISOString()}`);
    if (!lastSuccessAt) reasons.push("no successful run");
    else if (lastSuccessAt.getTime() < limit) reasons.push(`last successful run at ${lastSuccessAt.toISOString()}`);
    out.set(v.name, { objectiveSeconds: objective, materializedUntil, newestEventTime, lastSuccessAt, stale: reasons.length > 0, reason: reasons.join("; ") });
  }
  return out;
}


/** Raises the version's newest materialized event time to `at` (never lowers it). */
export async function recordWatermark(versionId: string, at: Date): Promise<void> {
  // Prisma keeps DateTime as UTC wall time in timestamp(3): the ISO string's zone is dropped by the cast.
  await db().$executeRaw`
    INSERT INTO "DataWatermark" ("versionId", "maxEventTime", "updatedAt") VALUES (${versionId}, ${at.toISOString()}::timestamp(3), ${new Date().toISOString()}::timestamp(3))
    ON CONFLICT ("versionId") DO UPDATE SET "maxEventTime" = GREATEST("DataWatermark"."maxEventTime", EXCLUDED."maxEventTime"), "updatedAt" = EXCLUDED."updatedAt"`;
}
