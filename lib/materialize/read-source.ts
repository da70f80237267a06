// Binds the relation `source` for one view version inside the job's sandbox, from the version's
// stored source snapshot, limited to the rows the job needs (timestamp in [lo, hi], inclusive).
// prepareSource runs first, outside DuckDB: it confines a file source's path to the project's data
// roots again (the roots may have changed since apply), lists pushed-row files, and copies Postgres
// rows into the job's work folder; the sandbox is then opened with exactly that access
// (lib/duckdb/sandbox.ts) and bindSource creates the view over it. No extension is loaded.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import pg from "pg";
import { env } from "../config/env";
import { qid, qlit } from "../duckdb/instance";
import { checkSourcePath, sandboxRootsFor } from "../registry/data-roots";
import { duckErrorSummary } from "../duckdb/error-text";
import { duckType } from "../shared/dtypes";
import { MaterializationError, causeText } from "./errors";
import { listPartitionDates, partitionParquetFiles, pushSourceDir, utcDate } from "../shared/offline-layout";
import type { SourceDef } from "../registry/repo-schema";

/**
 * What reading a source needs: the project it belongs to, its stored definition, and the name errors
 * are reported under (the view being materialized, or the source being previewed). A ViewSpec is one.
 */
export interface SourceContext {
  projectName: string;
  viewName: string;
  source: SourceDef;
}

export interface SourceRange {
  /** Inclusive lower bound in epoch microseconds; null = from the beginning. */
  loUs: number | null;
  /** Inclusive upper bound in epoch microseconds. */
  hiUs: number;
}

/** What the sandbox may read for this source, and how bindSource finds it there. */
export type PreparedSource =
  | { kind: "files"; pattern: string; readDirectories: string[]; readPaths: string[] }
  | { kind: "push"; files: string[]; readDirectories: string[]; readPaths: string[] }
  | { kind: "relation"; relation: string; readDirectories: string[]; readPaths: string[] };

const TIMESTAMPISH = /^(TIMESTAMP|TIMESTAMP_NS|TIMESTAMP_MS|TIMESTAMP_S|TIMESTAMP WITH TIME ZONE|DATE|VARCHAR)$/i;

/** A UTC TIMESTAMP expression for a raw timestamp column of any accepted type. */
export function timestampExpr(column: string, _type: string): string {
  return `CAST(${qid(column)} AS TIMESTAMP)`;
}

export function usLiteral(us: number): string {
  return `make_timestamp(${Math.trunc(us)}::BIGINT)`;
}

function rangeFilter(tsExpr: string, r: SourceRange): string {
  const parts = [`${tsExpr} <= ${usLiteral(r.hiUs)}`];
  if (r.loUs !== null) parts.push(`${tsExpr} >= ${usLiteral(r.loUs)}`);
  return parts.join(" AND ");
}

async function describe(conn: DuckDBConnection, relation: string): Promise<{ name: string; type: string }[]> {
  const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`);
  return r.getRowObjects().map((o) => ({ name: String(o.column_name), type: String(o.column_type) }));
}

function checkTimestampColumns(spec: SourceContext, columns: { name: string; type: string }[]): string {
  const src = spec.source;
  const fail = (m: string) => new MaterializationError(spec.viewName, "read_source", m);
  for (const field of [src.timestamp_field, src.created_timestamp_field].filter(Boolean) as string[]) {
    const col = columns.find((c) => c.name === field);
    if (!col) {
      throw fail(`source ${src.name} has no column ${field} (declared as a timestamp field); columns: ${columns.map((c) => c.name).join(", ")}`);
    }
    if (!TIMESTAMPISH.test(col.type)) throw fail(`timestamp field ${field} of source ${src.name} has type ${col.type}; expected a timestamp`);
  }
  return timestampExpr(src.timestamp_field, columns.find((c) => c.name === src.timestamp_field)!.type);
}

async function expandFiles(conn: DuckDBConnection, spec: SourceContext, pattern: string): Promise<string[]> {
  try {
    const r = await conn.runAndReadAll(`SELECT file FROM glob(${qlit(pattern)}) ORDER BY file`);
    return r.getRowObjects().map((o) => String(o.file));
  } catch (e) {
    throw new MaterializationError(spec.viewName, "read_source", `cannot list the files of source ${spec.source.name}: ${duckErrorSummary(e)}`, { cause: e });
  }
}

/** Locates the source outside DuckDB (see the file comment); throws for a path that is not allowed. */
export async function prepareSource(spec: SourceContext, range: SourceRange, scratchDir: string, opts: { limitRows?: number } = {}): Promise<PreparedSource> {
  const src = spec.source;
  const fail = (m: string) => new MaterializationError(spec.viewName, "read_source", m);
  if (src.kind === "parquet" || src.kind === "csv") {
    const checked = checkSourcePath(spec.projectName, src.path, process.cwd());
    if (!checked.ok) throw fail(`source ${src.name}: its path is not allowed: ${checked.reason}`);
    return { kind: "files", pattern: checked.path, readDirectories: sandboxRootsFor(spec.projectName), readPaths: [] };
  }
  if (src.kind === "push") {
    const files = await pushFiles(spec, range);
    return { kind: "push", files, readDirectories: [], readPaths: files };
  }
  const pgSrc = src as Extract<SourceDef, { kind: "postgres" }>;
  const conn = env().SOURCE_CONNECTIONS[pgSrc.connection];
  if (!conn || (conn.projects !== null && !conn.projects.includes(spec.projectName))) {
    throw fail(`source ${src.name}: connection ${pgSrc.connection} is not configured on the server for project ${spec.projectName} (SOURCE_CONNECTIONS)`);
  }
  const relation = await copyPostgresToNdjson(spec, conn.url, scratchDir, opts.limitRows);
  return { kind: "relation", relation, readDirectories: [], readPaths: [] };
}

/** Creates the view (or table) `source` in the sandbox over what prepareSource found. */
export async function bindSource(conn: DuckDBConnection, spec: SourceContext, range: SourceRange, prepared: PreparedSource): Promise<void> {
  const src = spec.source;
  const fail = (m: string, cause?: unknown) => new MaterializationError(spec.viewName, "read_source", m, { cause });
  if (prepared.kind === "files") {
    const files = await expandFiles(conn, spec, prepared.pattern);
    if (!files.length) throw fail(`source ${src.name}: no file matches its path`);
    const list = `[${files.map(qlit).join(", ")}]`;
    const reader = src.kind === "parquet" ? `read_parquet(${list}, union_by_name=true)` : `read_csv(${list}, auto_detect=true, union_by_name=true)`;
    let columns;
    try {
      columns = await describe(conn, reader);
    } catch (e) {
      throw fail(`source ${src.name}: cannot read its files: ${duckErrorSummary(e)}`, e);
    }
    const ts = checkTimestampColumns(spec, columns);
    await conn.run(`CREATE VIEW source AS SELECT * FROM ${reader} WHERE ${rangeFilter(ts, range)}`);
    return;
  }
  if (prepared.kind === "push") {
    const ps = src as Extract<SourceDef, { kind: "push" }>;
    const declared = [
      ...ps.schema.map((c) => ({ name: c.name, type: duckType(c.dtype) })),
      { name: ps.timestamp_field, type: "TIMESTAMP" },
      ...(ps.created_timestamp_field ? [{ name: ps.created_timestamp_field, type: "TIMESTAMP" }] : []),
    ];
    if (!prepared.files.length) {
      await conn.run(`CREATE TABLE source (${declared.map((c) => `${qid(c.name)} ${c.type}`).join(", ")})`);
      return;
    }
    const reader = `read_parquet([${prepared.files.map(qlit).join(", ")}], union_by_name=true)`;
    let columns;
    try {
      columns = await describe(conn, reader);
    } catch (e) {
      throw fail(`pushed rows of source ${src.name} are unreadable: ${duckErrorSummary(e)}`, e);
    }
    const ts = checkTimestampColumns(spec, columns);
    await conn.run(`CREATE VIEW source AS SELECT * FROM ${reader} WHERE ${rangeFilter(ts, range)}`);
    return;
  }
  let columns;
  try {
    columns = await describe(conn, prepared.relation);
  } catch (e) {
    throw fail(`source ${src.name}: ${duckErrorSummary(e)}`, e);
  }
  const ts = checkTimestampColumns(spec, columns);
  try {
    await conn.run(`CREATE TABLE source AS SELECT * FROM ${prepared.relation} WHERE ${rangeFilter(ts, range)}`);
  } catch (e) {
    throw fail(`source ${src.name}: ${duckErrorSummary(e)}`, e);
  }
}

/** Pushed-row files of the date partitions that can hold rows in range (contract layout). */
async function pushFiles(spec: SourceContext, range: SourceRange): Promise<string[]> {
  const dir = pushSourceDir(spec.projectName, spec.source.name);
  const dates = await listPartitionDates(dir, range.loUs === null ? null : utcDate(range.loUs / 1000), utcDate(range.hiUs / 1000));
  return partitionParquetFiles(dir, dates);
}

const PG_TYPES: Record<number, string> = {
  16: "BOOLEAN",
  20: "BIGINT",
  21: "SMALLINT",
  23: "INTEGER",
  700: "FLOAT",
  701: "DOUBLE",
  1700: "DOUBLE",
  25: "VARCHAR",
  1043: "VARCHAR",
  1082: "DATE",
  1114: "TIMESTAMP",
  1184: "TIMESTAMPTZ",
  1007: "INTEGER[]",
  1016: "BIGINT[]",
  1021: "FLOAT[]",
  1022: "DOUBLE[]",
  1009: "VARCHAR[]",
};

/**
 * Streams the Postgres table/query through node-postgres (read-only transaction, cursor) into an
 * NDJSON file in the job's work folder, typed with the column types Postgres reports. DuckDB's
 * postgres extension is not used: extensions are never installed or loaded at run time.
 */
async function copyPostgresToNdjson(spec: SourceContext, url: string, scratchDir: string, limitRows?: number): Promise<string> {
  const src = spec.source as Extract<SourceDef, { kind: "postgres" }>;
  const all = src.table ? `SELECT * FROM ${src.table.split(".").map((p) => `"${p.replace(/"/g, '""')}"`).join(".")}` : src.query!;
  const inner = limitRows === undefined ? all : `SELECT * FROM (${all}) AS limited LIMIT ${Math.trunc(limitRows)}`;
  // A preview (limitRows) is interactive: bounded in time as well.
  const client = new pg.Client({ connectionString: url, ...(limitRows === undefined ? {} : { statement_timeout: 10_000 }) });
  const file = path.join(scratchDir, "postgres-source.ndjson");
  try {
    await client.connect();
  } catch (e) {
    throw new MaterializationError(spec.viewName, "read_source", `cannot connect to ${src.connection}: ${causeText(e)}`, { cause: e, code: "unavailable" });
  }
  try {
    const head = await client.query(`SELECT * FROM (${inner}) AS t LIMIT 0`);
    const columns = head.fields.map((f) => ({ name: f.name, type: PG_TYPES[f.dataTypeID] ?? "VARCHAR" }));
    await client.query("BEGIN READ ONLY");
    await client.query(`DECLARE larder_src NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM (${inner}) AS t`);
    const out = await fs.open(file, "w");
    try {
      for (;;) {
        const batch = await client.query<{ j: string }>("FETCH 10000 FROM larder_src");
        if (!batch.rows.length) break;
        await out.write(batch.rows.map((r) => r.j).join("\n") + "\n");
      }
    } finally {
      await out.close();
    }
    await client.query("COMMIT");
    const spec2 = `{${columns.map((c) => `${qlit(c.name)}: ${qlit(c.type)}`).join(", ")}}`;
    return `read_json(${qlit(file)}, format='newline_delimited', columns=${spec2})`;
  } catch (e) {
    if (e instanceof MaterializationError) throw e;
    throw new MaterializationError(spec.viewName, "read_source", `source ${src.name}: ${causeText(e)}`, { cause: e });
  } finally {
    await client.end().catch(() => {});
  }
}
