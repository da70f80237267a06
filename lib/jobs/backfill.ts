// Backfill: a parent job that fans out into one child job per view version and UTC date partition
// (so no two children ever write the same partition), run in parallel by any number of workers
// through a BullMQ flow. Children write offline only; once all succeeded, the parent writes online
// as of the backfill end (run-backfill-job.ts). With `gaps`, only the parts of [start, end) that no
// succeeded job has materialized yet are backfilled.
import "server-only";
import { db } from "../db/client";
import type { Prisma } from "../db/generated/client";
import { env } from "../config/env";
import { conflict } from "../errors";
import { enqueueBackfillFlow } from "../queues/contracts";
import { failEnqueue, materializeJobData, type JobRow } from "./create-job";
import { gapsWithin, splitByUtcDay, type Range } from "../shared/intervals";
import { checkWindow } from "./materialize";
import { resolveTargetViews, type TargetView } from "./resolve-views";

export interface BackfillRequest {
  projectId: string;
  featureViews?: string[];
  start: Date;
  end: Date;
  /** Only the gaps in [start, end) of each view version. */
  gaps?: boolean;
  triggeredBy: string;
}

export interface BackfillViewParams {
  featureViewId: string;
  viewName: string;
  version: number;
  versionId: string;
  online: boolean;
  offline: boolean;
}

/** Job.params of a backfill parent. */
export interface BackfillParams {
  views: BackfillViewParams[];
  gaps: boolean;
  retryOf?: string;
  [k: string]: unknown;
}

export interface BackfillPlanItem {
  view: BackfillViewParams;
  /** One piece per UTC day: the child's window and the partition it owns. */
  pieces: (Range & { day: string })[];
}

export interface BackfillCreated {
  parent: JobRow;
  children: JobRow[];
}

/** Pieces of the ranges, one per UTC day (pieces of one day are joined: a child owns its partition). */
export function piecesByDay(ranges: Range[]): (Range & { day: string })[] {
  const byDay = new Map<string, Range & { day: string }>();
  for (const r of ranges) {
    for (const p of splitByUtcDay(r.start, r.end)) {
      const cur = byDay.get(p.day);
      if (cur) {
        cur.start = Math.min(cur.start, p.start);
        cur.end = Math.max(cur.end, p.end);
      } else byDay.set(p.day, { ...p });
    }
  }
  return [...byDay.values()].sort((a, b) => a.start - b.start);
}

/**
 * Whether a piece's job must leave its end's partition alone. A window ending at a UTC midnight
 * also writes that day (so rows exactly at the end are offline), unless another piece owns that
 * day: no two children write the same partition.
 */
export function leavesEndPartition(piece: Range & { day: string }, pieces: readonly (Range & { day: string })[]): boolean {
  if (piece.end % 86_400_000 !== 0) return false;
  const endDay = new Date(piece.end).toISOString().slice(0, 10);
  return pieces.some((p) => p !== piece && p.day === endDay);
}

function viewParams(v: TargetView): BackfillViewParams {
  return { featureViewId: v.featureViewId, viewName: v.viewName, version: v.version, versionId: v.versionId, online: v.online, offline: v.offline };
}

export async function backfill(req: BackfillRequest): Promise<BackfillCreated> {
  checkWindow(req.start, req.end);
  const views = await resolveTargetViews(req.projectId, req.featureViews);
  const plan: BackfillPlanItem[] = [];
  for (const v of views) {
    let ranges: Range[] = [{ start: req.start.getTime(), end: req.end.getTime() }];
    if (req.gaps) {
      const done = await db().materializedInterval.findMany({ where: { versionId: v.versionId, offline: true }, select: { start: true, end: true } });
      ranges = gapsWithin(
        done.map((d) => ({ start: d.start.getTime(), end: d.end.getTime() })),
        req.start.getTime(),
        req.end.getTime(),
      );
    }
    const pieces = piecesByDay(ranges);
    if (pieces.length) plan.push({ view: viewParams(v), pieces });
  }
  if (plan.length === 0) {
    throw conflict(`Nothing to backfill: every selected view is already materialized from ${req.start.toISOString()} to ${req.end.toISOString()}.`);
  }
  return createBackfillJobs({
    projectId: req.projectId,
    start: req.start,
    end: req.end,
    plan,
    allViews: views.map(viewParams),
    gaps: !!req.gaps,
    triggeredBy: req.triggeredBy,
  });
}

/** Writes the parent and child rows, then queues them as one flow. */
export async function createBackfillJobs(input: {
  projectId: string;
  start: Date;
  end: Date;
  plan: BackfillPlanItem[];
  /** Views whose online values the parent writes at the end (all selected, even those without gaps). */
  allViews: BackfillViewParams[];
  gaps: boolean;
  triggeredBy: string;
  retryOf?: string;
}): Promise<BackfillCreated> {
  const single = input.allViews.length === 1 ? input.allViews[0] : undefined;
  const params: BackfillParams = { views: input.allViews, gaps: input.gaps, ...(input.retryOf ? { retryOf: input.retryOf } : {}) };
  const { parent, children } = await db().$transaction(async (tx) => {
    const parent = await tx.job.create({
      data: {
        kind: "backfill",
        projectId: input.projectId,
        featureViewId: single?.featureViewId ?? null,
        version: single?.version ?? null,
        windowStart: input.start,
        windowEnd: input.end,
        params: params as unknown as Prisma.InputJsonObject,
        triggeredBy: input.triggeredBy,
        maxAttempts: env().JOB_ATTEMPTS,
      },
    });
    const children = await tx.job.createManyAndReturn({
      data: input.plan.flatMap((item) =>
        item.pieces.map((p) =>
          materializeJobData({
            kind: "materialize",
            projectId: input.projectId,
            featureViewId: item.view.featureViewId,
            version: item.view.version,
            windowStart: new Date(p.start),
            windowEnd: new Date(p.end),
            params: { writeOffline: item.view.offline, writeOnline: false, partition: p.day, ...(leavesEndPartition(p, item.pieces) ? { endPartition: false } : {}) },
            triggeredBy: `backfill:${parent.id}`,
            parentId: parent.id,
          }),
        ),
      ),
    });
    return { parent, children };
  });
  const ids = [parent.id, ...children.map((c) => c.id)];
  try {
    await enqueueBackfillFlow(
      parent.id,
      children.map((c) => c.id),
    );
  } catch (e) {
    throw await failEnqueue(ids, e);
  }
  // BullMQ job ids are the row ids.
  await db().$executeRaw`UPDATE "Job" SET "queueJobId" = "id" WHERE "id" = ANY(${ids})`;
  return {
    parent: { ...parent, queueJobId: parent.id },
    children: children.map((c) => ({ ...c, queueJobId: c.id })),
  };
}
