// Reconciles BullMQ job schedulers (queue `schedules`) with the registry: every active view whose
// latest version has a cron `materialization.schedule` has exactly one scheduler
// `mi:<project>:<view>` with that pattern (UTC); every other `mi:` scheduler is removed.
// Called on worker start, periodically by workers, and after each apply (apply hook).
import "server-only";
import { CronExpressionParser } from "cron-parser";
import { db } from "../db/client";
import { materializationOf } from "../registry/read-common";
import { QUEUES, queue, removeSchedule, scheduleId, upsertSchedule } from "../queues/contracts";

export interface SyncSchedulesResult {
  upserted: string[];
  removed: string[];
  unchanged: string[];
  /** Views whose schedule is not a valid cron expression (left unscheduled). */
  invalid: { id: string; schedule: string; error: string }[];
}

export function validCron(expr: string): string | null {
  try {
    CronExpressionParser.parse(expr, { tz: "UTC" });
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

/** Reconciles all projects, or only `projectName`'s schedulers. */
export async function syncSchedules(opts: { projectName?: string } = {}): Promise<SyncSchedulesResult> {
  const views = await db().featureView.findMany({
    where: { archivedAt: null, project: { archivedAt: null, ...(opts.projectName ? { name: opts.projectName } : {}) } },
    select: { id: true, name: true, latestVersion: true, project: { select: { name: true } } },
  });
  const versions = views.length
    ? await db().featureViewVersion.findMany({
        where: { OR: views.map((v) => ({ featureViewId: v.id, version: v.latestVersion })) },
        select: { featureViewId: true, materialization: true },
      })
    : [];
  const matByView = new Map(versions.map((v) => [v.featureViewId, materializationOf(v.materialization)]));

  const result: SyncSchedulesResult = { upserted: [], removed: [], unchanged: [], invalid: [] };
  const desired = new Map<string, { project: string; view: string; cron: string }>();
  for (const v of views) {
    const cron = matByView.get(v.id)?.schedule;
    if (!cron) continue;
    const id = scheduleId(v.project.name, v.name);
    const err = validCron(cron);
    if (err) {
      result.invalid.push({ id, schedule: cron, error: err });
      continue;
    }
    desired.set(id, { project: v.project.name, view: v.name, cron });
  }

  const existing = await queue(QUEUES.schedules).getJobSchedulers(0, -1);
  const scope = opts.projectName ? `mi:${opts.projectName}:` : "mi:";
  const existingById = new Map(existing.map((s) => [s.key, s]));
  for (const s of existing) {
    if (s.key.startsWith(scope) && !desired.has(s.key)) {
      await removeSchedule(s.key);
      result.removed.push(s.key);
    }
  }
  for (const [id, d] of desired) {
    const cur = existingById.get(id);
    if (cur && cur.pattern === d.cron && (cur.tz ?? "UTC") === "UTC") {
      result.unchanged.push(id);
      continue;
    }
    await upsertSchedule(d.project, d.view, d.cron);
    result.upserted.push(id);
  }
  return result;
}
