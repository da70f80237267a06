// Pure interval arithmetic over half-open [start, end) time ranges (epoch ms), shared by
// get-intervals (timeline + gaps) and backfill (one child per UTC day).
export interface Range {
  start: number;
  end: number;
}

const DAY_MS = 86_400_000;

/** Sorted, non-overlapping union; touching ranges ([a,b) and [b,c)) become one. */
export function mergeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** The parts of [start, end) not covered by `covered` (which need not be merged). */
export function gapsWithin(covered: Range[], start: number, end: number): Range[] {
  const gaps: Range[] = [];
  let cursor = start;
  for (const r of mergeRanges(covered)) {
    if (r.end <= cursor) continue;
    if (r.start >= end) break;
    if (r.start > cursor) gaps.push({ start: cursor, end: Math.min(r.start, end) });
    cursor = Math.max(cursor, r.end);
    if (cursor >= end) break;
  }
  if (cursor < end) gaps.push({ start: cursor, end });
  return gaps;
}

/** Ranges clipped to [start, end). */
export function clipRanges(ranges: Range[], start: number, end: number): Range[] {
  return ranges.map((r) => ({ start: Math.max(r.start, start), end: Math.min(r.end, end) })).filter((r) => r.end > r.start);
}

/** Splits [start, end) at UTC midnights: one piece per date partition, labelled YYYY-MM-DD. */
export function splitByUtcDay(start: number, end: number): (Range & { day: string })[] {
  const out: (Range & { day: string })[] = [];
  let cursor = start;
  while (cursor < end) {
    const dayStart = Math.floor(cursor / DAY_MS) * DAY_MS;
    const next = Math.min(dayStart + DAY_MS, end);
    out.push({ start: cursor, end: next, day: new Date(dayStart).toISOString().slice(0, 10) });
    cursor = next;
  }
  return out;
}
