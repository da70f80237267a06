// The online snapshot of a view version as of `end`, in ONE DuckDB statement over the transformed
// rows (`rows`): per entity the row-level values of its latest row (ties: latest created) if that
// row is within ttl, and every window aggregate over (end − w, end]. Entities whose rows all lie
// before the longest window still get count 0 / null aggregates so online values slide.
import "server-only";
import { qid } from "../duckdb/instance";
import { isFloatDtype } from "../shared/dtypes";
import { usLiteral } from "./read-source";
import type { AggregationSpec, ViewSpec } from "./view-spec";
import { projectKeyPrefix } from "../online/keys";

/** A finite float's text (float64 notation; a float32 widened to its exact float64 value; −0.0 as 0.0), else NULL. */
function floatTextSql(x: string): string {
  // −0.0 is written 0.0 (values.ts: the sign of a zero does not survive DuckDB's aggregations).
  return `CASE WHEN ${x} = 0 THEN '0.0' WHEN isfinite(${x}) THEN CAST(CAST(${x} AS DOUBLE) AS VARCHAR) END`;
}

/** Epoch seconds of a TIMESTAMP as JSON number text: digits, and a fraction only when there is one. */
function secondsTextSql(x: string): string {
  const us = `epoch_us(${x})`;
  return `CASE WHEN ${us} < 0 THEN '-' ELSE '' END || CAST(abs(${us}) // 1000000 AS VARCHAR) || CASE WHEN abs(${us}) % 1000000 = 0 THEN '' ELSE '.' || rtrim(lpad(CAST(abs(${us}) % 1000000 AS VARCHAR), 6, '0'), '0') END`;
}

/**
 * A VARCHAR expression holding the JSON text of a value of `dtype` (SQL NULL → 'null'), spelled as
 * lib/online/values.ts spells pushed values: exact integers, floats in float form (`42.0`; NaN and
 * ±inf → null), times as epoch seconds, bytes base64 (a test keeps the two equal).
 */
export function jsonValueExpr(expr: string, dtype: string): string {
  let j: string;
  if (isFloatDtype(dtype)) j = floatTextSql(expr);
  // Element by element (a JSON-typed list would be respelled by DuckDB's JSON writer: 1e+16 → 10000000000000000.0).
  else if (dtype === "list<float32>" || dtype === "list<float64>") j = `'[' || array_to_string(list_transform(${expr}, x -> coalesce(${floatTextSql("x")}, 'null')), ',') || ']'`;
  else if (dtype === "timestamp") j = secondsTextSql(expr);
  else if (dtype === "bytes") j = `CAST(to_json(base64(${expr})) AS VARCHAR)`;
  else j = `CAST(to_json(${expr}) AS VARCHAR)`;
  return `coalesce(${j}, 'null')`;
}

/** A join key column as its key text (lib/online/values.ts keyText): the same text the read path builds. */
export function keyPartSql(col: string, dtype: string): string {
  if (dtype === "float32" || dtype === "float64") return `CAST(CAST(${col} AS DOUBLE) AS VARCHAR)`;
  if (dtype === "timestamp") return `CAST(epoch_us(${col}) AS VARCHAR)`;
  if (dtype === "bytes") return `base64(${col})`;
  return `CAST(${col} AS VARCHAR)`;
}

function aggExpr(a: AggregationSpec, endUs: number, outType: string): string {
  return windowAggregateSql(a, usLiteral(endUs - a.windowSeconds * 1e6), outType);
}

/**
 * The aggregate of `a` over the rows with event_timestamp > `sinceSql` (an SQL timestamp
 * expression; the caller bounds the rows above), cast to `outType`. Also used for the statistics
 * of aggregation features (lib/materialize/aggregate-stats.ts).
 */
export function windowAggregateSql(a: AggregationSpec, sinceSql: string, outType: string): string {
  const c = qid(a.column);
  const filter = `FILTER (WHERE event_timestamp > ${sinceSql})`;
  const order = "struct_pack(t := event_timestamp, c := coalesce(created_timestamp, '-infinity'::TIMESTAMP))";
  const f = {
    sum: `sum(${c})`,
    count: `count(${c})`,
    avg: `avg(${c})`,
    min: `min(${c})`,
    max: `max(${c})`,
    stddev: `stddev_samp(${c})`,
    last: `arg_max_null(${c}, ${order})`,
  }[a.function];
  return `CAST(${f} ${filter} AS ${outType})`;
}

export interface OnlineSqlPlan {
  sql: string;
  /** Column names of the result, in order: __key, [key parts...], __ts_us (BIGINT epoch µs), __row_packed, __agg_packed. */
  keyColumns: string[];
  /** True when __key is the full Redis key; otherwise join key columns follow (as VARCHAR). */
  keyInSql: boolean;
}

/**
 * SQL creating table `online_out`. `spanSeconds` = how far back row-level values may come from
 * (ttl, or null = unbounded) merged with the longest window; rows older than it only contribute
 * their entity (for count 0 / null aggregates).
 */
export function onlineSql(spec: ViewSpec, endUs: number, duckTypes: { agg: (a: AggregationSpec) => string }): OnlineSqlPlan {
  const keys = spec.joinKeys.map((k) => k.name);
  const sorted = [...keys].sort();
  const keyInSql = spec.joinKeys.every((k) => ["int32", "int64", "bool"].includes(k.dtype));
  const prefix = projectKeyPrefix(spec.projectName).replace(/'/g, "''");
  const dtypeOf = new Map(spec.joinKeys.map((k) => [k.name, k.dtype]));
  const keyExpr = keyInSql
    ? `'${prefix}' || ${sorted.map((k, i) => `'${i ? "," : ""}${k}=' || CAST(${qid(k)} AS VARCHAR)`).join(" || ")}`
    : `NULL::VARCHAR`;
  const keyCols = keyInSql ? [] : sorted.map((k) => `${keyPartSql(qid(k), dtypeOf.get(k)!)} AS ${qid("__k_" + k)}`);
  const maxWindow = Math.max(0, ...spec.aggregations.map((a) => a.windowSeconds));
  const hasRow = spec.rowFeatures.length > 0;
  // Row-level values need rows back to end − ttl (or all of them without ttl).
  const spanSeconds = hasRow ? (spec.ttlSeconds === null ? null : Math.max(spec.ttlSeconds, maxWindow)) : maxWindow;
  const recentFilter = spanSeconds === null ? "TRUE" : `event_timestamp >= ${usLiteral(endUs - spanSeconds * 1e6)}`;
  const order = "struct_pack(t := event_timestamp, c := coalesce(created_timestamp, '-infinity'::TIMESTAMP))";
  const ttlFilter = spec.ttlSeconds === null ? "" : `FILTER (WHERE event_timestamp >= ${usLiteral(endUs - spec.ttlSeconds * 1e6)})`;
  const groupKeys = keys.map(qid).join(", ");
  const aggSelect: string[] = [];
  if (hasRow) {
    const fields = [`__ts := event_timestamp`, ...spec.rowFeatures.map((f, i) => `f${i} := ${qid(f.name)}`)];
    aggSelect.push(`arg_max(struct_pack(${fields.join(", ")}), ${order}) ${ttlFilter} AS __row`);
  }
  spec.aggregations.forEach((a, i) => aggSelect.push(`${aggExpr(a, endUs, duckTypes.agg(a))} AS ${qid("a" + i)}`));
  // Values leave DuckDB already packed (keys.ts: one JSON array per clock), so the writer only
  // forwards strings.
  const pack = (exprs: string[]) => (exprs.length ? `'[' || concat_ws(',', ${exprs.join(", ")}) || ']'` : `'[]'`);
  const outCols = [
    `${keyExpr} AS __key`,
    ...keyCols,
    hasRow ? `epoch_us(__row.__ts) AS __ts_us` : `NULL::BIGINT AS __ts_us`,
    hasRow ? `CASE WHEN __row IS NULL THEN NULL ELSE ${pack(spec.rowFeatures.map((f, i) => jsonValueExpr(`__row.f${i}`, f.dtype)))} END AS __row_packed` : `NULL::VARCHAR AS __row_packed`,
    `${pack(spec.aggregations.map((a, i) => jsonValueExpr(qid("a" + i), a.dtype)))} AS __agg_packed`,
  ];
  const emptyCols = [
    `${keyExpr} AS __key`,
    ...keyCols,
    `NULL::BIGINT AS __ts_us`,
    `NULL::VARCHAR AS __row_packed`,
    `'[${spec.aggregations.map((a) => (a.function === "count" ? "0" : "null")).join(",")}]' AS __agg_packed`,
  ];
  const needsOld = spec.aggregations.length > 0 && spanSeconds !== null;
  const sql = `CREATE TABLE online_out AS
WITH base AS (SELECT * FROM rows WHERE event_timestamp <= ${usLiteral(endUs)}),
recent AS (SELECT * FROM base WHERE ${recentFilter}),
agg AS (SELECT ${groupKeys}, ${aggSelect.join(", ")} FROM recent GROUP BY ${groupKeys})
SELECT ${outCols.join(", ")} FROM agg
${
  needsOld
    ? `UNION ALL
SELECT ${emptyCols.join(", ")} FROM (SELECT DISTINCT ${groupKeys} FROM base WHERE NOT (${recentFilter})) AS old
WHERE NOT EXISTS (SELECT 1 FROM agg WHERE ${keys.map((k) => `agg.${qid(k)} IS NOT DISTINCT FROM old.${qid(k)}`).join(" AND ")})`
    : ""
}`;
  return { sql, keyColumns: keyInSql ? [] : sorted, keyInSql };
}

export function onlineSpanSeconds(spec: ViewSpec): number | null {
  const maxWindow = Math.max(0, ...spec.aggregations.map((a) => a.windowSeconds));
  if (spec.rowFeatures.length === 0) return maxWindow;
  return spec.ttlSeconds === null ? null : Math.max(spec.ttlSeconds, maxWindow);
}
