// The point-in-time join (docs/materialization.md, "Time semantics"), as DuckDB SQL over the offline Parquet store:
//  - row-level features: one ASOF LEFT JOIN per view version on its join keys. The as-of order is
//    (event_timestamp, created_timestamp) packed into one HUGEINT, so the row picked is the one
//    with the greatest event time ≤ t and, among ties, the greatest created time (null created
//    sorts first); then ttl: the value only if its event time ≥ t − ttl.
//  - window aggregates: a range join per view version on the join keys and (t − w, t] for the
//    widest window, one FILTERed aggregate per window: exact at each row's own time, not tiled.
// Everything stays in DuckDB; JavaScript only sees the result.
import "server-only";
import { qid, qlit } from "../duckdb/instance";
import { duckType } from "../shared/dtypes";
import { listPartitionDates, partitionParquetFiles, utcDate, versionDir } from "../shared/offline-layout";
import type { CatalogViewVersion, ResolvedFeature } from "../registry/catalog-cache";

export interface ViewSlot {
  vv: CatalogViewVersion;
  /** Requested features of this version, with their output column names. */
  rowFeatures: { feature: ResolvedFeature; output: string }[];
  aggFeatures: { feature: ResolvedFeature; output: string }[];
  /** Parquet files the join reads (already pruned to the needed dates). */
  files: string[];
  hasCreated: boolean;
}

const TWO64 = "18446744073709551616";
const TWO63 = "9223372036854775808";

/** Lookback (ms) a slot needs before the earliest entity time; null = unbounded (row features, no ttl). */
export function slotLookbackMs(slot: Pick<ViewSlot, "vv" | "rowFeatures" | "aggFeatures">): number | null {
  let lb = 0;
  if (slot.rowFeatures.length) {
    if (slot.vv.ttlSeconds === null) return null;
    lb = slot.vv.ttlSeconds * 1000;
  }
  for (const a of slot.aggFeatures) {
    const w = slot.vv.featureByName.get(a.feature.feature)?.aggregation?.windowSeconds ?? 0;
    lb = Math.max(lb, w * 1000);
  }
  return lb;
}

/** The version's partition files whose dates can hold rows in [lo, hi] (lo null = from the start). */
export async function partitionFiles(project: string, vv: CatalogViewVersion, loMs: number | null, hiMs: number): Promise<string[]> {
  const dir = versionDir(project, vv.view, vv.version);
  return partitionParquetFiles(dir, await listPartitionDates(dir, loMs === null ? null : utcDate(loMs), utcDate(hiMs)));
}

function fileList(files: string[]): string {
  return `read_parquet([${files.map(qlit).join(", ")}])`;
}

function ordExpr(ts: string, created: string | null): string {
  if (!created) return ts;
  return `(epoch_us(${ts})::HUGEINT * ${TWO64} + (coalesce(epoch_us(${created}), -${TWO63})::HUGEINT + ${TWO63}))`;
}

const AGG_SQL: Record<string, (col: string, ord: string) => string> = {
  sum: (c) => `sum(${c})`,
  count: (c) => `count(${c})`,
  avg: (c) => `avg(${c})`,
  min: (c) => `min(${c})`,
  max: (c) => `max(${c})`,
  stddev: (c) => `stddev_samp(${c})`,
  last: (c, ord) => `arg_max_null(${c}, ${ord})`,
};

export interface HistoricalQuery {
  /** Statements creating one temp table per slot part (run in order). */
  prepare: string[];
  /** The final SELECT: entity columns in input order, then the feature columns. */
  select: string;
  cleanup: string[];
}

export function buildHistoricalQuery(input: {
  entityTable: string;
  entityColumns: string[];
  timestampColumn: string;
  slots: ViewSlot[];
  /** Output order of the features. */
  outputs: { slot: number; output: string; kind: "row" | "agg" }[];
  tag: string;
}): HistoricalQuery {
  // One statement, like the raw floor: the entity table, one chained ASOF LEFT JOIN per view
  // version with row-level features, one LEFT JOIN per aggregate subquery; ordered back to input.
  const t = qid(input.timestampColumn);
  const joins: string[] = [];
  const cols = new Map<string, string>();
  const needsOrd = input.slots.some((s) => s.rowFeatures.length && s.files.length && s.hasCreated);
  input.slots.forEach((slot, i) => {
    const keys = slot.vv.joinKeys.map((k) => qid(k.name));
    const empty = slot.files.length === 0;
    if (slot.rowFeatures.length) {
      if (empty) {
        for (const r of slot.rowFeatures) cols.set(`${i}:${r.output}`, `NULL::${duckType(r.feature.dtype)}`);
      } else {
        const f = `r${i}`;
        const created = slot.hasCreated ? "created_timestamp" : null;
        const ttl = slot.vv.ttlSeconds;
        joins.push(
          `ASOF LEFT JOIN (SELECT ${keys.join(", ")}, event_timestamp AS __ts, ${ordExpr("event_timestamp", created)} AS __ord, ${slot.rowFeatures
            .map((r) => qid(r.feature.feature))
            .join(", ")} FROM ${fileList(slot.files)}) ${f}
           ON ${keys.map((k) => `ent.${k} = ${f}.${k}`).join(" AND ")} AND ${f}.__ord <= ${slot.hasCreated ? "ent.__tord" : `ent.${t}`}`,
        );
        for (const r of slot.rowFeatures) {
          const col = `${f}.${qid(r.feature.feature)}`;
          cols.set(`${i}:${r.output}`, ttl === null ? col : `CASE WHEN ${f}.__ts >= ent.${t} - to_seconds(${ttl}::BIGINT) THEN ${col} END`);
        }
      }
    }
    if (slot.aggFeatures.length) {
      const specs = slot.aggFeatures.map((a) => ({ a, agg: slot.vv.featureByName.get(a.feature.feature)!.aggregation! }));
      if (empty) {
        for (const { a, agg } of specs) cols.set(`${i}:${a.output}`, agg.function === "count" ? "0::BIGINT" : `NULL::${duckType(a.feature.dtype)}`);
      } else {
        const a = `a${i}`;
        const maxW = Math.max(...specs.map((s) => s.agg.windowSeconds));
        const inputs = [...new Set(specs.map((s) => s.agg.column))].map(qid);
        const ord = ordExpr("f.__ts", slot.hasCreated ? "f.created_timestamp" : null);
        const aggs = specs.map(({ agg }, j) => {
          const expr = AGG_SQL[agg.function](`f.${qid(agg.column)}`, ord);
          const filtered = agg.windowSeconds === maxW ? expr : `${expr} FILTER (WHERE f.__ts > e.${t} - to_seconds(${agg.windowSeconds}::BIGINT))`;
          return `${filtered} AS __a${j}`;
        });
        joins.push(
          `LEFT JOIN (SELECT e.__row, ${aggs.join(", ")}
             FROM (SELECT __row, ${keys.join(", ")}, ${t} FROM ${input.entityTable}) e
             JOIN (SELECT ${keys.join(", ")}, event_timestamp AS __ts${slot.hasCreated ? ", created_timestamp" : ""}, ${inputs.join(", ")}
                   FROM ${fileList(slot.files)}) f
             ON ${keys.map((k) => `e.${k} = f.${k}`).join(" AND ")} AND f.__ts <= e.${t} AND f.__ts > e.${t} - to_seconds(${maxW}::BIGINT)
             GROUP BY e.__row) ${a} ON ${a}.__row = ent.__row`,
        );
        specs.forEach(({ a: spec, agg }, j) => {
          const v = `${a}.__a${j}`;
          cols.set(`${i}:${spec.output}`, `CAST(${agg.function === "count" ? `coalesce(${v}, 0)` : v} AS ${duckType(spec.feature.dtype)})`);
        });
      }
    }
  });
  const base = needsOrd
    ? `(SELECT *, (epoch_us(${t})::HUGEINT * ${TWO64} + (${TWO64}::HUGEINT - 1)) AS __tord FROM ${input.entityTable}) ent`
    : `${input.entityTable} ent`;
  const select = `SELECT ${[
    ...input.entityColumns.map((c) => `ent.${qid(c)}`),
    ...input.outputs.map((o) => `${cols.get(`${o.slot}:${o.output}`)} AS ${qid(o.output)}`),
  ].join(", ")}
    FROM ${base} ${joins.join("\n    ")}
    ORDER BY ent.__row`;
  return { prepare: [], select, cleanup: [`DROP TABLE IF EXISTS ${input.entityTable}`] };
}
