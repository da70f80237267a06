// Historical answers are exact or refused: every view must be materialized offline over the time
// range the entity rows need, else a 409 naming the views and the missing intervals.
import "server-only";
import { db } from "../db/client";
import { conflict } from "../errors";
import { gapsWithin } from "../shared/intervals";
import { slotLookbackMs, type ViewSlot } from "./historical-sql";

const iso = (ms: number) => new Date(ms).toISOString();

/** 409 unless every slot's version is materialized offline over [min t − lookback, max t]. */
export async function checkMaterialized(slots: ViewSlot[], minT: number, maxT: number): Promise<void> {
  const intervals = await db().materializedInterval.findMany({
    where: { versionId: { in: slots.map((s) => s.vv.id) }, offline: true },
    select: { versionId: true, start: true, end: true },
  });
  const missing: { view: string; version: number; intervals: { start: string; end: string }[] }[] = [];
  for (const slot of slots) {
    const lb = slotLookbackMs(slot);
    // Unbounded lookback (row-level features without ttl): the rows' own time span must be covered.
    const lo = lb === null ? minT : minT - lb;
    // Intervals are [start, end); online values and historical rows at exactly `end` are included
    // by the engine (it recomputes whole date partitions), so coverage is checked closed at the end.
    const covered = intervals.filter((r) => r.versionId === slot.vv.id).map((r) => ({ start: r.start.getTime(), end: r.end.getTime() + 1 }));
    const gaps = gapsWithin(covered, lo, maxT + 1);
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
