// The point-in-time join itself: the plan's partitions found in the offline store, the query built
// by historical-sql.ts, and the answer written as Parquet (native types) or as CSV or JSON, whose
// values are spelled as on every other path (docs/retrieval.md, "Values on the wire").
import "server-only";
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { buildHistoricalQuery, partitionFiles, slotLookbackMs } from "./historical-sql";
import { type LoadedEntityTable } from "./load-entity-table";
import { type HistoricalFormat } from "./get-historical-features";
import { type Plan } from "./historical-plan";
import { log, logFailure } from "../config/log";

export async function computeInto(
  c: DuckDBConnection,
  project: string,
  p: { plan: Plan; table: LoadedEntityTable; timestampColumn: string },
  format: HistoricalFormat,
  target: string,
): Promise<void> {
  const { plan, table } = p;
  for (const slot of plan.slots) {
    const lb = slotLookbackMs(slot);
    slot.files = await partitionFiles(project, slot.vv, lb === null ? null : table.minT! - lb, table.maxT!);
  }
  const tag = `h${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const q = buildHistoricalQuery({
    entityTable: table.table,
    entityColumns: table.columns,
    timestampColumn: p.timestampColumn,
    slots: plan.slots,
    outputs: plan.outputs,
    tag,
  });
  try {
    for (const s of q.prepare) await c.run(s);
    if (format === "parquet") {
      await c.run(`COPY (${q.select}) TO ${qlit(target)} (FORMAT parquet)`);
      return;
    }
    const types = (await c.runAndReadAll(`DESCRIBE ${q.select}`)).getRowObjects().map((t) => ({ name: String(t.column_name), type: String(t.column_type) }));
    if (format === "csv") {
      const cols = types.map((t) => `${jsonTextSql(qid(t.name), t.type, "csv")} AS ${qid(t.name)}`);
      await c.run(`COPY (SELECT ${cols.join(", ")} FROM (${q.select})) TO ${qlit(target)} (FORMAT csv, HEADER true)`);
      return;
    }
    // JSON rows are built as text here (DuckDB's JSON writer would respell numbers: 1e+16 as
    // 10000000000000000.0), one object per row with the columns in order.
    await writeJsonRows(c, `SELECT ${jsonObjectSql(types)} AS j FROM (${q.select})`, target);
  } finally {
    // Temp tables live in the process-wide instance: a failed drop would keep their memory.
    for (const s of q.cleanup) await c.run(s).catch(logFailure(log(), `historical cleanup (${s})`));
  }
}

const FLOATS = /^(FLOAT|DOUBLE|REAL|FLOAT4|FLOAT8)$/i;
const TIMES = /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|TIMESTAMP WITH TIME ZONE|DATETIME)$/i;
const INTS = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/i;

/** A float as its text (float64 notation; a float32 widened to its exact float64 value; −0.0 as 0.0); NaN and ±inf are null. */
const floatText = (x: string) => `CASE WHEN ${x} = 0 THEN '0.0' WHEN isfinite(${x}) THEN CAST(CAST(${x} AS DOUBLE) AS VARCHAR) END`;
const isoText = (x: string) => `strftime(CAST(${x} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%fZ')`;

/**
 * A column of DuckDB type `type` as VARCHAR text: for JSON the value's JSON text, for CSV the cell.
 * Times ISO 8601 UTC with microseconds, floats in the notation of lib/shared/json-numbers.ts
 * (`42.0`, `1e+16`), bytes base64, integers with every digit, lists as JSON arrays (in CSV too).
 * NULL stays NULL.
 */
export function jsonTextSql(c: string, type: string, format: "json" | "csv"): string {
  const t = type.trim();
  const quoted = (x: string) => (format === "json" ? `CAST(to_json(${x}) AS VARCHAR)` : x);
  if (TIMES.test(t)) return quoted(isoText(c));
  if (FLOATS.test(t)) return floatText(c);
  if (/^BLOB$/i.test(t)) return quoted(`to_base64(${c})`);
  if (INTS.test(t) || /^BOOLEAN$/i.test(t)) return `CAST(${c} AS VARCHAR)`;
  const list = /^(.*)\[\]$/.exec(t);
  if (list) {
    const inner = list[1].trim();
    // Elements spelled as scalars are: NULL elements become null.
    if (FLOATS.test(inner)) return `'[' || array_to_string(list_transform(${c}, x -> coalesce(${floatText("x")}, 'null')), ',') || ']'`;
    if (TIMES.test(inner)) return `CAST(to_json(list_transform(${c}, x -> ${isoText("x")})) AS VARCHAR)`;
    return `CAST(to_json(${c}) AS VARCHAR)`;
  }
  if (/^VARCHAR$/i.test(t)) return quoted(c);
  return `CAST(to_json(${c}) AS VARCHAR)`;
}

/** The JSON object text of a row (columns in order, values spelled by jsonTextSql; NULL → null). */
export function jsonObjectSql(columns: { name: string; type: string }[]): string {
  const members = columns.map((t) => `${qlit(`${JSON.stringify(t.name)}:`)} || coalesce(${jsonTextSql(qid(t.name), t.type, "json")}, 'null')`);
  return `'{' || ${members.join(" || ',' || ")} || '}'`;
}

/** Streams the one-column result of `sql` (JSON objects as text) into `target` as a JSON array. */
async function writeJsonRows(c: DuckDBConnection, sql: string, target: string): Promise<void> {
  const out = createWriteStream(target);
  const done = new Promise<void>((resolve, reject) => {
    out.on("finish", resolve);
    out.on("error", reject);
  });
  try {
    const result = await c.stream(sql);
    out.write("[");
    let first = true;
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      const [rows] = chunk.getColumns() as string[][];
      const text = rows.join(",");
      if (!out.write(first ? text : `,${text}`)) await new Promise((r) => out.once("drain", r));
      first = false;
    }
    out.end("]");
  } catch (e) {
    out.destroy();
    throw e;
  }
  await done;
}
