// Statistics of aggregation features (issue 15): window aggregates are not stored per partition, so
// their distribution per date partition is taken over the entities' values as of the last instant
// of that day — what the online store would have served then: per entity with rows in
// (t − longest window, t], each aggregate over (t − its window, t], t = the day's 23:59:59.999999.
// The result is a table with event_timestamp = the day's start and one column per aggregation, fed
// to computePartitionStats like the row-level features.
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid } from "../duckdb/instance";
import { duckType } from "../shared/dtypes";
import { windowAggregateSql } from "./online-sql";
import type { ViewSpec } from "./view-spec";

export const AGG_ASOF_TABLE = "__larder_agg_asof";

const DAY_US = 86_400_000_000;

/** Seconds before the first date's start the rows must reach for aggregateAsOfTable (0: none). */
export function aggregateLookbackSeconds(spec: ViewSpec): number {
  return spec.aggregations.length ? Math.max(...spec.aggregations.map((a) => a.windowSeconds)) : 0;
}

/**
 * Creates AGG_ASOF_TABLE from `rows` (the materialization's typed rows, which must reach back
 * aggregateLookbackSeconds before the first date). Returns the aggregation features, or [] when the
 * view has none (no table then).
 */
export async function aggregateAsOfTable(conn: DuckDBConnection, spec: ViewSpec, dates: string[], rows = "rows"): Promise<{ name: string; dtype: string }[]> {
  if (!spec.aggregations.length || !dates.length) return [];
  const maxW = aggregateLookbackSeconds(spec);
  const days = dates.map((d) => {
    const startUs = Date.parse(`${d}T00:00:00Z`) * 1000;
    return `(make_timestamp(${startUs}::BIGINT), make_timestamp(${startUs + DAY_US - 1}::BIGINT))`;
  });
  const keys = spec.joinKeys.map((k) => qid(k.name));
  const aggs = spec.aggregations.map(
    (a) => `${windowAggregateSql(a, `(days.__larder_t - to_microseconds(${Math.round(a.windowSeconds * 1e6)}::BIGINT))`, duckType(a.dtype))} AS ${qid(a.name)}`,
  );
  await conn.run(
    `CREATE OR REPLACE TEMP TABLE ${AGG_ASOF_TABLE} AS
     WITH days AS (SELECT * FROM (VALUES ${days.join(", ")}) days(__larder_day, __larder_t))
     SELECT days.__larder_day AS event_timestamp, ${keys.map((k) => `r.${k}`).join(", ")}, ${aggs.join(", ")}
     FROM ${rows} r JOIN days ON r.event_timestamp <= days.__larder_t AND r.event_timestamp > days.__larder_t - to_microseconds(${Math.round(maxW * 1e6)}::BIGINT)
     GROUP BY days.__larder_day, ${keys.map((k) => `r.${k}`).join(", ")}`,
  );
  return spec.aggregations.map((a) => ({ name: a.name, dtype: a.dtype }));
}
