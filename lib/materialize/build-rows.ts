// Materialization's transform step: the view's SQL (checked as one SELECT, run only in the job's
// sandbox) over `source` into table `rows`, typed and named as the offline contract wants
// (docs/materialization.md).
import "server-only";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid } from "../duckdb/instance";
import { parseSingleSelect } from "../duckdb/sandbox";
import { duckType, dtypeMismatch } from "../shared/dtypes";
import { MaterializationError, causeText } from "./errors";
import { usLiteral, type SourceRange } from "./read-source";
import type { ViewSpec } from "./view-spec";

/** Runs the transform (a single SELECT over `source`) into table `rows` with the offline columns. */
export async function buildRows(conn: DuckDBConnection, spec: ViewSpec, range: SourceRange): Promise<void> {
  const fail = (m: string, cause?: unknown) => new MaterializationError(spec.viewName, "transform", m, { cause });
  let body = "SELECT * FROM source";
  if (spec.transform) {
    const checked = await parseSingleSelect(conn, spec.transform);
    if (!checked.ok) throw fail(checked.reason);
    body = checked.sql;
  }
  const sub = `(\n${body}\n) AS t`;
  let columns: { name: string; type: string }[];
  try {
    columns = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${sub}`)).getRowObjects().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
  } catch (e) {
    throw fail(`the transform failed: ${causeText(e)}`, e);
  }
  const type = new Map(columns.map((c) => [c.name, c.type]));
  const need = (name: string, what: string) => {
    if (!type.has(name)) throw fail(`${spec.transform ? "the transform's output" : `source ${spec.source.name}`} has no column ${name} (${what}); columns: ${columns.map((c) => c.name).join(", ")}`);
    return type.get(name)!;
  };
  const problems: string[] = [];
  const select: string[] = [];
  for (const k of spec.joinKeys) {
    const m = dtypeMismatch(k.name, k.dtype, need(k.name, "join key"));
    if (m) problems.push(m);
    select.push(`CAST(${qid(k.name)} AS ${duckType(k.dtype)}) AS ${qid(k.name)}`);
  }
  const tsField = spec.source.timestamp_field;
  const tsM = dtypeMismatch(tsField, "timestamp", need(tsField, "timestamp field"));
  if (tsM && !/^VARCHAR$/i.test(type.get(tsField)!)) problems.push(tsM);
  select.push(`CAST(${qid(tsField)} AS TIMESTAMP) AS event_timestamp`);
  const crField = spec.source.created_timestamp_field;
  if (crField) {
    const m = dtypeMismatch(crField, "timestamp", need(crField, "created timestamp field"));
    if (m && !/^VARCHAR$/i.test(type.get(crField)!)) problems.push(m);
    select.push(`CAST(${qid(crField)} AS TIMESTAMP) AS created_timestamp`);
  } else {
    select.push(`NULL::TIMESTAMP AS created_timestamp`);
  }
  for (const f of spec.rowFeatures) {
    const m = dtypeMismatch(f.name, f.dtype, need(f.name, "feature"));
    if (m) problems.push(m);
    select.push(`CAST(${qid(f.name)} AS ${duckType(f.dtype)}) AS ${qid(f.name)}`);
  }
  for (const a of spec.aggregations) {
    const t = need(a.column, `input of ${a.name}`);
    if (["sum", "avg", "stddev"].includes(a.function) && dtypeMismatch(a.column, "float64", t) !== null) {
      problems.push(`column ${a.column} is ${t}; ${a.function} needs numbers (${a.name})`);
    }
  }
  for (const c of spec.extraColumns) select.push(qid(c));
  if (problems.length) throw fail(`dtype mismatch: ${problems.join("; ")}`);
  const filter = [`event_timestamp <= ${usLiteral(range.hiUs)}`, ...(range.loUs === null ? [] : [`event_timestamp >= ${usLiteral(range.loUs)}`])];
  try {
    await conn.run(`CREATE TABLE rows AS SELECT * FROM (SELECT ${select.join(", ")} FROM ${sub}) WHERE ${filter.join(" AND ")}`);
  } catch (e) {
    throw fail(`the transform failed at run time: ${causeText(e)}`, e);
  }
}

