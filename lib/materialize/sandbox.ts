// The transform sandbox. Each materialization gets its own in-memory DuckDB instance. The source is
// bound first (files, Postgres) while file access is on; then the instance is locked down:
// enable_external_access=false (no other files, no ATTACH, no INSTALL/LOAD) with only the source's
// own files and the job's private work folder allowed, and lock_configuration=true (no SET can undo
// it). The view's SQL then runs only as a single SELECT over the relation `source`.
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { qlit } from "../duckdb/instance";

export interface Sandbox {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

export async function createSandbox(opts: { threads?: number; memoryLimit?: string } = {}): Promise<Sandbox> {
  const instance = await DuckDBInstance.create(":memory:", {
    threads: String(opts.threads ?? 2),
    ...(opts.memoryLimit ? { memory_limit: opts.memoryLimit } : {}),
  });
  const conn = await instance.connect();
  // Every timestamp is UTC (DESIGN §2); TIMESTAMPTZ values convert to UTC wall time.
  await conn.run("SET TimeZone='UTC'");
  let closed = false;
  return {
    instance,
    conn,
    close() {
      if (closed) return;
      closed = true;
      conn.closeSync();
      instance.closeSync();
    },
  };
}

/** After this, the instance reads only `allowedPaths`, writes only under `allowedDirectory`. */
export async function lockSandbox(conn: DuckDBConnection, allowed: { paths: string[]; directories: string[] }): Promise<void> {
  const list = (xs: string[]) => `[${xs.map(qlit).join(", ")}]`;
  if (allowed.paths.length) await conn.run(`SET allowed_paths=${list(allowed.paths)}`);
  if (allowed.directories.length) await conn.run(`SET allowed_directories=${list(allowed.directories)}`);
  await conn.run("SET autoinstall_known_extensions=false");
  await conn.run("SET autoload_known_extensions=false");
  await conn.run("SET enable_external_access=false");
  await conn.run("SET lock_configuration=true");
}

/**
 * Returns the transform without a trailing semicolon if it is exactly one SELECT statement, else
 * a reason. json_serialize_sql parses with DuckDB's own parser and serializes SELECTs only, so
 * ATTACH, COPY, SET, INSTALL, PRAGMA, CREATE ... and multi-statement strings are refused here;
 * table functions inside a SELECT (read_parquet('/etc/passwd')) are refused by the locked config.
 */
export async function checkTransformSql(conn: DuckDBConnection, sql: string): Promise<{ sql: string } | { reason: string }> {
  const r = await conn.runAndReadAll(`SELECT json_serialize_sql(${qlit(sql)})::VARCHAR AS j`);
  const parsed = JSON.parse(String(r.getRowObjects()[0].j)) as { error: boolean; error_message?: string; statements?: unknown[] };
  if (parsed.error) {
    const msg = parsed.error_message ?? "not a SELECT";
    return { reason: /Only SELECT/.test(msg) ? "a transform must be a single SELECT statement over `source`" : `invalid SQL: ${msg}` };
  }
  if ((parsed.statements?.length ?? 0) !== 1) return { reason: "a transform must be a single SELECT statement over `source`" };
  return { sql: sql.trim().replace(/;\s*$/, "") };
}
