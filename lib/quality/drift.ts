// Drift (issue 16, docs/monitoring.md): the population stability index (PSI) of each feature between
// a materialized partition and its reference, from the distributions the statistics pass already
// stored (no extra scan): numbers through their p0…p100 quantiles, strings and bools through their
// top values. Reference: the previous partition of the same version, a pinned partition
// (`window:YYYY-MM-DD`), or another version (`version:N`, its partition of the same date or else
// its latest one before it).
import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "../db/client";
import type { MonitoringConfig } from "../registry/monitoring-config";
import { QUANTILE_POINTS, type FeatureStat } from "./compute-stats";
import { partitionName } from "../shared/offline-layout";

/** Fractions below this count as this (an empty bin would make PSI infinite). */
export const PSI_EPSILON = 1e-4;
/** Bins of the numeric PSI: the reference's deciles. */
export const PSI_BINS = 10;
/** Default non-null values a partition and its reference need before their PSI is measured. */
export const DRIFT_MIN_VALUES = 100;

/** PSI of two discrete distributions over the same bins (fractions, each summing to 1). */
export function psi(expected: number[], actual: number[]): number {
  let sum = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = Math.max(PSI_EPSILON, expected[k]);
    const a = Math.max(PSI_EPSILON, actual[k]);
    sum += (a - e) * Math.log(a / e);
  }
  return sum;
}

/**
 * The CDF at x of the distribution whose quantiles at 0, 1/(n−1), …, 1 are `q` (piecewise linear
 * between grid points; right-continuous, so the mass of a repeated value lies at or below it).
 */
export function cdfFromQuantiles(q: number[], x: number): number {
  const n = q.length - 1;
  if (x < q[0]) return 0;
  if (x >= q[n]) return 1;
  let k = 0;
  while (k < n && q[k + 1] <= x) k++;
  const span = q[k + 1] - q[k];
  return (k + (span > 0 ? (x - q[k]) / span : 0)) / n;
}

/**
 * Numeric PSI: bins are cut at the reference's deciles (repeated cuts merged, so discrete data
 * gets fewer bins); each side's bin fractions come from its own quantile function.
 */
export function numericPsi(reference: number[], current: number[]): number | null {
  if (reference.length !== QUANTILE_POINTS || current.length !== QUANTILE_POINTS) return null;
  const step = (QUANTILE_POINTS - 1) / PSI_BINS;
  const cuts = [...new Set(Array.from({ length: PSI_BINS - 1 }, (_, j) => reference[Math.round((j + 1) * step)]))].sort((a, b) => a - b);
  const fractions = (q: number[]) => {
    const c = [0, ...cuts.map((x) => cdfFromQuantiles(q, x)), 1];
    return c.slice(1).map((v, k) => Math.max(0, v - c[k]));
  };
  return psi(fractions(reference), fractions(current));
}

type Top = { value: string; count: number }[];

/**
 * Categorical PSI over the reference's top values plus "everything else": a value missing from the
 * current top values counts in the current side's "else" (its count is not known).
 */
export function categoricalPsi(reference: { top: Top; nonNull: number }, current: { top: Top; nonNull: number }): number | null {
  if (reference.nonNull <= 0 || current.nonNull <= 0) return null;
  const cur = new Map(current.top.map((t) => [t.value, t.count]));
  const e = reference.top.map((t) => t.count / reference.nonNull);
  const a = reference.top.map((t) => (cur.get(t.value) ?? 0) / current.nonNull);
  e.push(Math.max(0, 1 - e.reduce((x, y) => x + y, 0)));
  a.push(Math.max(0, 1 - a.reduce((x, y) => x + y, 0)));
  return psi(e, a);
}

type Dist = { partition: string; rowCount: number; nullFraction: number; quantiles: number[] | null; topValues: Top | null };

/** PSI of one feature's distributions, or null when either side has none to compare. */
export function featurePsi(reference: Dist, current: Dist): number | null {
  if (reference.quantiles && current.quantiles) return numericPsi(reference.quantiles, current.quantiles);
  if (reference.topValues && current.topValues) {
    const nn = (d: Dist) => d.rowCount * (1 - d.nullFraction);
    return categoricalPsi({ top: reference.topValues, nonNull: nn(reference) }, { top: current.topValues, nonNull: nn(current) });
  }
  return null;
}

export interface DriftRow {
  featureName: string;
  partition: string;
  reference: string;
  psi: number;
  threshold: number;
  drifting: boolean;
}

const toDist = (r: { partition: string; rowCount: bigint | number; nullFraction: number; quantiles: unknown; topValues: unknown }): Dist => ({
  partition: r.partition,
  rowCount: Number(r.rowCount),
  nullFraction: r.nullFraction,
  quantiles: Array.isArray(r.quantiles) ? (r.quantiles as number[]) : null,
  topValues: Array.isArray(r.topValues) ? (r.topValues as Top) : null,
});

/**
 * PSI of every drift-monitored feature of this job's partitions against the configured reference,
 * stored in DriftResult (upsert per version, feature, partition). Partitions without rows are
 * skipped. Returns the rows stored.
 */
export async function computeAndStoreDrift(
  input: { versionId: string; featureViewId: string; jobId: string | null },
  config: MonitoringConfig,
  stats: FeatureStat[],
): Promise<DriftRow[]> {
  const drift = config.drift;
  if (!drift) return [];
  const wanted = drift.features ? new Set(drift.features) : null;
  const current = stats.filter((s) => (!wanted || wanted.has(s.featureName)) && Number(s.rowCount) > 0 && (s.quantiles?.length || s.topValues?.length));
  if (!current.length) return [];
  const features = [...new Set(current.map((s) => s.featureName))];
  const select = { featureName: true, partition: true, rowCount: true, nullFraction: true, quantiles: true, topValues: true } as const;
  // Reference rows per feature, sorted by partition: of this version (previous, pinned) or another.
  let refVersionId = input.versionId;
  let label = (p: string) => p;
  if (drift.reference.startsWith("version:")) {
    const n = Number(drift.reference.slice(8));
    const other = await db().featureViewVersion.findUnique({ where: { featureViewId_version: { featureViewId: input.featureViewId, version: n } }, select: { id: true } });
    if (!other) return [];
    refVersionId = other.id;
    label = (p) => `v${n} ${p}`;
  }
  const pinned = drift.reference.startsWith("window:") ? partitionName(drift.reference.slice(7)) : null;
  const stored = await db().featureStatistic.findMany({
    where: { versionId: refVersionId, featureName: { in: features }, ...(pinned ? { partition: pinned } : {}), rowCount: { gt: 0 } },
    select,
    orderBy: { partition: "asc" },
  });
  const refs = new Map<string, Dist[]>();
  const push = (name: string, d: Dist) => {
    const list = refs.get(name) ?? [];
    const i = list.findIndex((x) => x.partition === d.partition);
    if (i >= 0) list[i] = d;
    else list.push(d);
    refs.set(name, list);
  };
  for (const r of stored) push(r.featureName, toDist(r));
  // This job's own partitions are references too (previous: the day before in the same window).
  if (refVersionId === input.versionId && !pinned) for (const s of current) push(s.featureName, toDist(s));
  for (const list of refs.values()) list.sort((a, b) => a.partition.localeCompare(b.partition));

  const rows: DriftRow[] = [];
  const minValues = drift.minValues ?? DRIFT_MIN_VALUES;
  const nonNull = (d: Dist) => d.rowCount * (1 - d.nullFraction);
  for (const s of current) {
    const list = refs.get(s.featureName) ?? [];
    let ref: Dist | undefined;
    if (pinned) ref = list[0];
    else if (drift.reference === "previous") ref = [...list].reverse().find((d) => d.partition < s.partition);
    else ref = list.find((d) => d.partition === s.partition) ?? [...list].reverse().find((d) => d.partition < s.partition);
    if (!ref || (pinned && ref.partition === s.partition)) continue;
    // PSI of a few values is noise (a partial day, a sparse feature): not measured.
    if (nonNull(ref) < minValues || nonNull(toDist(s)) < minValues) continue;
    const value = featurePsi(ref, toDist(s));
    if (value === null) continue;
    rows.push({ featureName: s.featureName, partition: s.partition, reference: label(ref.partition), psi: value, threshold: drift.threshold, drifting: value > drift.threshold });
  }
  if (!rows.length) return rows;
  // One statement for all rows (one upsert per row cost ~1 ms each).
  const col = <T>(f: (r: DriftRow) => T) => rows.map(f);
  await db().$executeRaw`
    INSERT INTO "DriftResult" ("id", "versionId", "featureName", "partition", "reference", "psi", "threshold", "drifting", "jobId", "computedAt")
    SELECT s.id, ${input.versionId}::text, s.f, s.p, s.ref, s.psi, s.th, s.dr, ${input.jobId}::text, ${new Date().toISOString()}::timestamp(3)
    FROM unnest(${col(() => randomUUID())}::text[], ${col((r) => r.featureName)}::text[], ${col((r) => r.partition)}::text[], ${col((r) => r.reference)}::text[],
                ${col((r) => r.psi)}::float8[], ${col((r) => r.threshold)}::float8[], ${col((r) => r.drifting)}::boolean[]) AS s(id, f, p, ref, psi, th, dr)
    ON CONFLICT ("versionId", "featureName", "partition") DO UPDATE SET
      "reference" = EXCLUDED."reference", "psi" = EXCLUDED."psi", "threshold" = EXCLUDED."threshold", "drifting" = EXCLUDED."drifting",
      "jobId" = EXCLUDED."jobId", "computedAt" = EXCLUDED."computedAt"`;
  return rows;
}
