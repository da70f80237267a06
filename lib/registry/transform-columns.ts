// What columns a view sees, found with DuckDB without running anything on data, inside the
// sandbox (lib/duckdb/sandbox.ts) that may read only the project's data roots:
// - the transform is parsed with DuckDB's own parser (`json_serialize_sql`);
// - the source's columns come from the push schema, or from the file's schema
//   (`DESCRIBE SELECT * FROM read_parquet(path)` reads only metadata) when a local file exists;
// - with known source columns the transform is bound (DESCRIBE) against a temp view `source`,
//   which yields its exact output columns and catches missing columns;
// - with unknown source columns (postgres, missing files) the output columns are the transform's
//   select list when it is a plain list (no `*`); otherwise columns are not checked.
// Error texts say what to fix and never carry file contents (see duckErrorSummary).
import "server-only";
import { existsSync } from "node:fs";
import type { DuckDBConnection } from "@duckdb/node-api";
import { qid, qlit } from "../duckdb/instance";
import { parseSingleSelect } from "../duckdb/sandbox";
import { duckType } from "../shared/dtypes";
import type { SourceDef } from "./repo-schema";
import { duckErrorSummary } from "../duckdb/error-text";

export type ColumnTypes = Map<string, string>;

export interface SourceColumns {
  columns: ColumnTypes | null;
  /** The SQL of a relation with the source's columns (and no need to read rows), when known. */
  relationSql: string | null;
  /** Why the columns are unknown, when they are. */
  note?: string;
}


async function describe(conn: DuckDBConnection, sql: string): Promise<ColumnTypes> {
  const r = await conn.runAndReadAll(`DESCRIBE ${sql}`);
  const out: ColumnTypes = new Map();
  for (const row of r.getRowObjectsJson()) out.set(String(row.column_name), String(row.column_type));
  return out;
}

export async function describeSource(conn: DuckDBConnection, s: SourceDef): Promise<SourceColumns> {
  if (s.kind === "push") {
    const cols: [string, string][] = s.schema.map((c) => [c.name, duckType(c.dtype)]);
    for (const t of [s.timestamp_field, s.created_timestamp_field]) if (t && !cols.some(([n]) => n === t)) cols.push([t, "TIMESTAMP"]);
    return {
      columns: new Map(cols),
      relationSql: `SELECT ${cols.map(([n, t]) => `NULL::${t} AS ${qid(n)}`).join(", ")} WHERE false`,
    };
  }
  if (s.kind === "postgres") return { columns: null, relationSql: null, note: "postgres source columns are not checked at plan time" };
  const hasGlob = /[*?[]/.test(s.path);
  if (!hasGlob && !existsSync(s.path)) return { columns: null, relationSql: null, note: `file ${s.path} does not exist (yet)` };
  const relationSql = s.kind === "parquet" ? `SELECT * FROM read_parquet(${qlit(s.path)})` : `SELECT * FROM read_csv(${qlit(s.path)})`;
  try {
    return { columns: await describe(conn, relationSql), relationSql };
  } catch (e) {
    return { columns: null, relationSql: null, note: `could not read the schema of ${s.path}: ${duckErrorSummary(e)}` };
  }
}

export type TransformAnalysis =
  | { ok: true; columns: ColumnTypes | null; note?: string }
  | { ok: false; reason: string };

interface SerializedStatement {
  node: { type: string; select_list?: { class: string; alias?: string; column_names?: string[] }[] };
}

/** Parses the transform with DuckDB's parser, then derives its output columns (see file comment). */
export async function analyzeTransform(conn: DuckDBConnection, transform: string, source: SourceColumns): Promise<TransformAnalysis> {
  const parsed = await parseSingleSelect(conn, transform);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  if (!/"table_name":"source"/i.test(JSON.stringify(parsed.statement))) {
    return { ok: false, reason: "the transform must read from the relation `source` (… FROM source)" };
  }
  if (source.relationSql) {
    try {
      await conn.run(`CREATE OR REPLACE TEMP VIEW source AS ${source.relationSql}`);
      return { ok: true, columns: await describe(conn, transform) };
    } catch (e) {
      return { ok: false, reason: `the transform does not bind against the source's columns: ${duckErrorSummary(e)}` };
    }
  }
  const node = (parsed.statement as SerializedStatement).node;
  if (node.type !== "SELECT_NODE" || !node.select_list) return { ok: true, columns: null, note: source.note };
  const cols: ColumnTypes = new Map();
  for (const item of node.select_list) {
    if (item.class === "STAR") return { ok: true, columns: null, note: source.note };
    const name = item.alias || (item.class === "COLUMN_REF" ? item.column_names?.at(-1) : undefined);
    if (!name) return { ok: true, columns: null, note: source.note };
    cols.set(name, "UNKNOWN");
  }
  return { ok: true, columns: cols };
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(.*\))?)$/i;

export function isNumericType(t: string): boolean {
  return t === "UNKNOWN" || NUMERIC.test(t);
}
