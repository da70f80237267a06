// The materialized data intervals of a view version (merged) and the gaps within a requested range:
// the console's timeline and the input of "backfill all gaps".
import "server-only";
import { db } from "../db/client";
import { badRequest, notFound } from "../errors";
import { clipRanges, gapsWithin, mergeRanges } from "../shared/intervals";

export interface IntervalsQuery {
  projectId: string;
  viewName: string;
  /** Defaults to the latest version. */
  version?: number;
  start?: Date;
  end?: Date;
}

export interface IntervalsResult {
  featureView: string;
  version: number;
  /**
   * The requested range. Defaults: the first materialized start → the last materialized end, so the
   * gaps are real holes between materializations (the time since the last run is lag, which
   * freshness reports, not a gap). null when nothing was ever materialized and no range was asked.
   */
  start: string | null;
  end: string | null;
  /** Merged [start, end) intervals materialized offline, clipped to the range. */
  intervals: { start: string; end: string }[];
  /** Merged intervals written online (materializations with online writes). */
  onlineIntervals: { start: string; end: string }[];
  gaps: { start: string; end: string }[];
  /** The end of the last materialized interval (where materialize-incremental continues). */
  lastMaterializedEnd: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

export async function getIntervals(q: IntervalsQuery): Promise<IntervalsResult> {
  const view = await db().featureView.findUnique({ where: { projectId_name: { projectId: q.projectId, name: q.viewName } } });
  if (!view) throw notFound(`Feature view "${q.viewName}" does not exist.`);
  const versionNo = q.version ?? view.latestVersion;
  const version = await db().featureViewVersion.findUnique({ where: { featureViewId_version: { featureViewId: view.id, version: versionNo } } });
  if (!version) throw notFound(`Feature view "${q.viewName}" has no version ${versionNo}; the latest is ${view.latestVersion}.`);

  const rows = await db().materializedInterval.findMany({ where: { versionId: version.id }, select: { start: true, end: true, online: true, offline: true } });
  const toRange = (r: { start: Date; end: Date }) => ({ start: r.start.getTime(), end: r.end.getTime() });
  const offline = mergeRanges(rows.filter((r) => r.offline).map(toRange));
  const online = mergeRanges(rows.filter((r) => r.online).map(toRange));
  const all = mergeRanges(rows.map(toRange));

  const lastMaterializedEnd = all.length ? iso(all[all.length - 1].end) : null;
  if (!q.start && all.length === 0) {
    // Nothing materialized and no start asked: nothing to show, and no gap to fill.
    return { featureView: view.name, version: version.version, start: null, end: q.end ? iso(q.end.getTime()) : null, intervals: [], onlineIntervals: [], gaps: [], lastMaterializedEnd };
  }
  const end = q.end?.getTime() ?? (all.length ? all[all.length - 1].end : Date.now());
  const start = q.start?.getTime() ?? all[0].start;
  if (start >= end) throw badRequest(`start (${iso(start)}) must be before end (${iso(end)}).`, [{ name: "start", reason: "must be before end" }]);

  const out = (rs: { start: number; end: number }[]) => rs.map((r) => ({ start: iso(r.start), end: iso(r.end) }));
  return {
    featureView: view.name,
    version: version.version,
    start: iso(start),
    end: iso(end),
    intervals: out(clipRanges(offline, start, end)),
    onlineIntervals: out(clipRanges(online, start, end)),
    gaps: out(gapsWithin(offline, start, end)),
    lastMaterializedEnd,
  };
}
