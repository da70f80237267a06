// Historical answers are exact or refused: every view must be materialized offline over the time
// range the entity rows need, else a 409 naming the views and the missing intervals.
import "server-only";
import { db } from "../db/client";
import { conflict } from "../errors";
import { gapsWithin, mergeRanges, type Range } from "../shared/intervals";
import { slotLookbackMs, type ViewSlot } from "./historical-sql";
import { partitionName, utcDate } from "../shared/offline-layout";

const iso = (ms: number) => new Date(ms).toISOString();

const DAY_MS = 86_400_000;

/** A MaterializedInterval row with the partitions its job wrote (null when unknown). */
export interface IntervalRow {
  start: Date;
  end: Date;
  partitions: string[] | null;
}

/**
 * The time ranges (epoch ms, half-open) an interval makes exact offline. A job recomputes whole
 * date partitions, so its interval [start, end) is exact up to and including `end` when the end's
 * partition was written: always for an end inside a day; for an end at a UTC midnight only if the
 * job wrote that day (a backfill child leaves it to the next child; a row without its job is
 * taken at its word, [start, end)). Including `end` is claimed as [start, end + 1 ms): times
 * within that millisecond lie in the same whole partition.
 */
export function exactRange(r: IntervalRow): { start: number; end: number } {
  const end = r.end.getTime();
  const endDay = partitionName(utcDate(end));
  const closed = end % DAY_MS !== 0 || (r.partitions?.includes(endDay) ?? false);
  return { start: r.start.getTime(), end: closed ? end + 1 : end };
}

function partitionsOf(result: unknown): string[] | null {
  const p = (result as { partitions?: unknown } | null)?.partitions;
  return Array.isArray(p) && p.every((x) => typeof x === "string") ? (p as string[]) : null;
}

/** The ranges (epoch ms, half-open, merged) each version is exact offline over, by version id. */
export async function offlineCoverage(versionIds: string[]): Promise<Map<string, Range[]>> {
  const intervals = await db().materializedInterval.findMany({
    where: { versionId: { in: versionIds }, offline: true },
    select: { versionId: true, start: true, end: true, job: { select: { result: true } } },
  });
  const out = new Map<string, Range[]>(versionIds.map((id) => [id, []]));
  for (const r of intervals) out.get(r.versionId)?.push(exactRange({ start: r.start, end: r.end, partitions: partitionsOf(r.job?.result) }));
  for (const [id, ranges] of out) out.set(id, mergeRanges(ranges));
  return out;
}

/**
 * 409 unless every slot's version is materialized offline over [min t − lookback, max t]. `minT` and
 * `maxT` are the entity times floored to the millisecond (intervals are whole milliseconds).
 */
export async function checkMaterialized(slots: ViewSlot[], minT: number, maxT: number): Promise<void> {
  const coverage = await offlineCoverage(slots.map((s) => s.vv.id));
  const missing: { view: string; version: number; intervals: { start: string; end: string }[] }[] = [];
  for (const slot of slots) {
    const lb = slotLookbackMs(slot);
    // Unbounded lookback (row-level features without ttl): the rows' own time span must be covered.
    const lo = lb === null ? minT : minT - lb;
    const gaps = gapsWithin(coverage.get(slot.vv.id) ?? [], lo, maxT + 1);
    if (gaps.length) {
      missing.push({
        view: slot.vv.view,
        version: slot.vv.version,
        intervals: gaps.map((g) => ({ start: iso(g.start), end: iso(Math.min(g.end, maxT)) })),
      });
    }
  }
  if (missing.length) {
    const text = missing
      .map((m) => `${m.view}@v${m.version}: ${m.intervals.map((g) => `${g.start} → ${g.end}`).join(", ")}`)
      .join("; ");
    throw conflict(
      `These feature views are not materialized offline for the times the entity rows need: ${text}. Backfill those intervals (POST …/backfill or \`larder backfill\`), then retry.`,
      { missing },
    );
  }
}
