// Jobs, materialized intervals and statistics as the console shows them. The jobs API
// (lib/api/endpoints/jobs.ts) owns the shapes; these normalizers only tolerate field-name
// variations and fill defaults, so pages never crash on a missing optional field.

export const JOB_STATUSES = ["queued", "running", "retrying", "succeeded", "failed", "cancelled"] as const;
export const JOB_KINDS = ["materialize", "materialize_incremental", "backfill", "stats", "historical"] as const;
export const ACTIVE_STATUSES = new Set(["queued", "running", "retrying"]);

export interface JobView {
  id: string;
  kind: string;
  project: string;
  view: string | null;
  version: number | null;
  windowStart: string | null;
  windowEnd: string | null;
  status: string;
  progress: number;
  rowsRead: number;
  rowsWrittenOffline: number;
  rowsWrittenOnline: number;
  attempts: number;
  maxAttempts: number;
  error: string | null;
  errorStep: string | null;
  triggeredBy: string;
  /** triggeredBy for people (an API token by its name). */
  triggeredByLabel: string;
  parentId: string | null;
  /** A backfill child's UTC day partition (YYYY-MM-DD). */
  partition: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  childCount: number;
}

export interface JobLogLine {
  at: string;
  level: string;
  message: string;
}

export interface JobDetailView extends JobView {
  logs: JobLogLine[];
  children: JobView[];
  /** Children per status (a backfill's partitions). */
  childCounts: Record<string, number>;
}

type Raw = Record<string, unknown>;
const s = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
const n = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v) || 0);

function partitionOf(r: Raw): string | null {
  const p = r.params && typeof r.params === "object" ? (r.params as Raw).partition : undefined;
  return typeof p === "string" && p ? p : null;
}

export function normalizeJob(raw: unknown): JobView {
  const r = (raw ?? {}) as Raw;
  const view = r.view ?? r.featureView ?? r.viewName ?? null;
  return {
    id: String(r.id ?? ""),
    kind: String(r.kind ?? ""),
    project: String(r.project ?? r.projectName ?? ""),
    view: typeof view === "object" && view !== null ? s((view as Raw).name) : s(view),
    version: r.version === null || r.version === undefined ? null : Number(r.version),
    windowStart: s(r.windowStart ?? r.start),
    windowEnd: s(r.windowEnd ?? r.end),
    status: String(r.status ?? "queued"),
    progress: n(r.progress),
    rowsRead: n(r.rowsRead),
    rowsWrittenOffline: n(r.rowsWrittenOffline),
    rowsWrittenOnline: n(r.rowsWrittenOnline),
    attempts: n(r.attempts),
    maxAttempts: n(r.maxAttempts) || 1,
    error: s(r.error),
    errorStep: s(r.errorStep),
    triggeredBy: String(r.triggeredBy ?? ""),
    triggeredByLabel: String(r.triggeredByLabel ?? r.triggeredBy ?? ""),
    parentId: s(r.parentId),
    partition: partitionOf(r),
    createdAt: String(r.createdAt ?? ""),
    startedAt: s(r.startedAt),
    finishedAt: s(r.finishedAt),
    childCount: n(r.childCount ?? r.childrenCount ?? (Array.isArray(r.children) ? r.children.length : 0)),
  };
}

export function normalizeJobDetail(raw: unknown): JobDetailView {
  const r = (raw ?? {}) as Raw;
  const job = (r.job && typeof r.job === "object" ? r.job : r) as Raw;
  const logs = (Array.isArray(r.logs) ? r.logs : Array.isArray(job.logs) ? job.logs : []) as Raw[];
  const children = (Array.isArray(r.children) ? r.children : Array.isArray(job.children) ? job.children : []) as unknown[];
  const kids = children.map(normalizeJob);
  const counts = (r.childCounts ?? job.childCounts) as Record<string, unknown> | undefined;
  const childCounts: Record<string, number> = {};
  if (counts && typeof counts === "object") for (const [k, v] of Object.entries(counts)) childCounts[k] = n(v);
  else for (const c of kids) childCounts[c.status] = (childCounts[c.status] ?? 0) + 1;
  return {
    ...normalizeJob(job),
    logs: logs.map((l) => ({ at: String(l.at ?? l.time ?? ""), level: String(l.level ?? "info"), message: String(l.message ?? "") })),
    children: kids,
    childCounts,
    childCount: children.length || n(job.childCount),
  };
}

/**
 * A short name of a job that tells it apart from its neighbours: a backfill child by its day
 * partition, any other job by the random tail of its id (ids made in the same moment share their
 * first characters, so the head repeats down a list).
 */
export function jobRef(j: Pick<JobView, "id" | "partition">): string {
  return j.partition ?? `#${j.id.slice(-8)}`;
}

/** "30 succeeded · 2 failed · 1 running", statuses in a fixed order, zeros left out. */
export function statusSummary(counts: Record<string, number>): Array<{ status: string; count: number }> {
  return JOB_STATUSES.filter((st) => (counts[st] ?? 0) > 0).map((st) => ({ status: st, count: counts[st] }));
}

export function normalizeJobPage(raw: unknown): { items: JobView[]; total: number } {
  const r = (raw ?? {}) as Raw;
  const items = (Array.isArray(r.items) ? r.items : Array.isArray(r.jobs) ? r.jobs : Array.isArray(raw) ? raw : []) as unknown[];
  return { items: items.map(normalizeJob), total: typeof r.total === "number" ? r.total : items.length };
}

export function anyActive(jobs: Array<{ status: string }>): boolean {
  return jobs.some((j) => ACTIVE_STATUSES.has(j.status));
}

// ---- intervals ---------------------------------------------------------------------------------

export interface TimeRange {
  start: number;
  end: number;
}

export interface IntervalsView {
  version: number | null;
  intervals: TimeRange[];
  gaps: TimeRange[];
  /** The span the timeline shows. */
  from: number;
  to: number;
}

const ms = (v: unknown): number => (typeof v === "number" ? v : Date.parse(String(v)));
const ranges = (v: unknown): TimeRange[] =>
  (Array.isArray(v) ? v : []).map((x) => ({ start: ms((x as Raw).start), end: ms((x as Raw).end) })).filter((x) => Number.isFinite(x.start) && Number.isFinite(x.end) && x.end > x.start);

export function normalizeIntervals(raw: unknown, now = Date.now()): IntervalsView {
  let r = (raw ?? {}) as Raw;
  // Per-version answers: show the latest version's timeline.
  if (Array.isArray(r.versions) && r.versions.length > 0) {
    const sorted = [...(r.versions as Raw[])].sort((a, b) => n(b.version) - n(a.version));
    r = { ...r, ...sorted[0] };
  }
  const intervals = ranges(r.intervals ?? r.materialized);
  const gaps = ranges(r.gaps);
  const all = [...intervals, ...gaps];
  const fromRaw = r.from ?? r.start ?? r.sourceStart;
  const toRaw = r.to ?? r.end ?? r.until;
  const from = fromRaw ? ms(fromRaw) : all.length ? Math.min(...all.map((x) => x.start)) : now - 30 * 86400_000;
  const to = toRaw ? ms(toRaw) : all.length ? Math.max(...all.map((x) => x.end)) : now;
  return { version: r.version === undefined || r.version === null ? null : Number(r.version), intervals, gaps, from, to: Math.max(to, from + 1) };
}

/** How many UTC days the ranges touch: the partitions a backfill of them starts (one per day). */
export function utcDaysTouched(ranges: TimeRange[]): number {
  const days = new Set<number>();
  for (const r of ranges) for (let d = Math.floor(r.start / 86400_000); d * 86400_000 < r.end; d++) days.add(d);
  return days.size;
}

/** Percent positions of a range inside [from, to] for the timeline bar. */
export function rangeStyle(r: TimeRange, from: number, to: number): { left: string; width: string } {
  const span = to - from;
  const left = Math.max(0, (r.start - from) / span);
  const right = Math.min(1, (r.end - from) / span);
  return { left: `${(left * 100).toFixed(3)}%`, width: `${(Math.max(0.002, right - left) * 100).toFixed(3)}%` };
}

// ---- statistics --------------------------------------------------------------------------------

export interface StatRow {
  featureName: string;
  partition: string;
  rowCount: number;
  nullFraction: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  distinct: number | null;
  histogram: Array<{ lo: number; hi: number; count: number }>;
  percentiles: Record<"p1" | "p5" | "p25" | "p50" | "p75" | "p95" | "p99", number> | null;
  topValues: Array<{ value: string; count: number }> | null;
  /** Figures that are estimates (distinct, histogram, quantiles, topValues). */
  approximate: string[];
}

const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function normalizeStats(raw: unknown): StatRow[] {
  const r = (raw ?? {}) as Raw;
  const list = (Array.isArray(raw) ? raw : Array.isArray(r.items) ? r.items : Array.isArray(r.statistics) ? r.statistics : Array.isArray(r.stats) ? r.stats : []) as Raw[];
  return list
    .map((x) => ({
      featureName: String(x.featureName ?? x.feature ?? ""),
      partition: String(x.partition ?? x.date ?? ""),
      rowCount: n(x.rowCount),
      nullFraction: n(x.nullFraction),
      min: numOrNull(x.min),
      max: numOrNull(x.max),
      mean: numOrNull(x.mean),
      stddev: numOrNull(x.stddev),
      distinct: numOrNull(x.distinct),
      histogram: (Array.isArray(x.histogram) ? x.histogram : []).map((b) => ({ lo: Number((b as Raw).lo), hi: Number((b as Raw).hi), count: Number((b as Raw).count) })),
      percentiles: x.percentiles && typeof x.percentiles === "object" ? (x.percentiles as StatRow["percentiles"]) : null,
      topValues: Array.isArray(x.topValues) ? (x.topValues as Raw[]).map((t) => ({ value: String(t.value), count: Number(t.count) })) : null,
      approximate: Array.isArray(x.approximate) ? x.approximate.map(String) : [],
    }))
    .sort((a, b) => a.partition.localeCompare(b.partition));
}
