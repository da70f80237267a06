// The one place that opens a DuckDB instance for user SQL or user paths (transforms at plan, apply,
// materialization and preview; source files; docs/security.md, "The sandbox"). Each call makes its
// own in-memory instance and locks it before returning it, so no caller can run anything on an
// unlocked one:
// - extensions are never installed or loaded at run time (autoinstall/autoload off; INSTALL needs
//   file access and is refused),
// - enable_external_access=false: no file, URL, ATTACH or COPY outside the allow-lists, which are
//   the caller's read folders (a project's data roots, symlinks resolved by DuckDB itself), exact
//   files (pushed rows) and one private work folder,
// - lock_configuration=true: no SET can undo any of it,
// - bounded memory, threads and (for interactive use) time.
import "server-only";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { NO_RUNTIME_EXTENSIONS, qlit } from "./instance";

export interface SandboxOptions {
  /** Folders whose files may be read (absolute; a trailing separator is added). */
  readDirectories?: string[];
  /** Single files that may be read. */
  readPaths?: string[];
  /** The job's private folder: Larder's own SQL writes there (the user's SELECT cannot write). */
  workDirectory?: string;
  threads?: number;
  memoryLimit?: string;
}

export interface Sandbox {
  instance: DuckDBInstance;
  conn: DuckDBConnection;
  close(): void;
}

const withSlash = (d: string) => (d.endsWith("/") ? d : `${d}/`);
const list = (xs: string[]) => `[${xs.map(qlit).join(", ")}]`;

export async function openSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const instance = await DuckDBInstance.create(":memory:", {
    threads: String(opts.threads ?? 2),
    ...NO_RUNTIME_EXTENSIONS,
    ...(opts.memoryLimit ? { memory_limit: opts.memoryLimit } : {}),
  });
  let conn: DuckDBConnection | undefined;
  try {
    conn = await instance.connect();
    // Every timestamp is UTC (docs/materialization.md); TIMESTAMPTZ values convert to UTC wall time.
    await conn.run("SET TimeZone='UTC'");
    const dirs = [...(opts.readDirectories ?? []), ...(opts.workDirectory ? [opts.workDirectory] : [])].map(withSlash);
    // Spill files go to the work folder (or nowhere): DuckDB's default is ./.tmp of the process.
    await conn.run(opts.workDirectory ? `SET temp_directory=${qlit(opts.workDirectory)}` : "SET temp_directory=''");
    if (dirs.length) await conn.run(`SET allowed_directories=${list(dirs)}`);
    if (opts.readPaths?.length) await conn.run(`SET allowed_paths=${list(opts.readPaths)}`);
    await conn.run("SET enable_external_access=false");
    await conn.run("SET lock_configuration=true");
  } catch (e) {
    conn?.closeSync();
    instance.closeSync();
    throw e;
  }
  let closed = false;
  const c = conn;
  return {
    instance,
    conn: c,
    close() {
      if (closed) return;
      closed = true;
      c.closeSync();
      instance.closeSync();
    },
  };
}

/** Runs fn in a fresh sandbox and closes it afterwards. */
export async function withSandbox<T>(opts: SandboxOptions, fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const sb = await openSandbox(opts);
  try {
    return await fn(sb.conn);
  } finally {
    sb.close();
  }
}

/** Interrupts the connection's running statement after ms (interactive reads: plan, preview). */
export async function withDeadline<T>(conn: DuckDBConnection, ms: number, fn: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, ms);
  try {
    return await fn();
  } catch (e) {
    if (timedOut) throw new SandboxTimeout(ms);
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

export class SandboxTimeout extends Error {
  constructor(readonly ms: number) {
    super(`the query did not finish within ${ms / 1000} s`);
  }
}

export type SingleSelect = { ok: true; sql: string; statement: unknown } | { ok: false; reason: string };

/**
 * The SQL without a trailing semicolon if it is exactly one SELECT statement, else why not.
 * json_serialize_sql parses with DuckDB's own parser and serializes SELECTs only, so ATTACH, COPY,
 * SET, INSTALL, PRAGMA, CREATE … and multi-statement strings are refused here; what a SELECT may
 * read is limited by the sandbox.
 */
export async function parseSingleSelect(conn: DuckDBConnection, sql: string): Promise<SingleSelect> {
  const r = await conn.runAndReadAll(`SELECT json_serialize_sql(${qlit(sql)})::VARCHAR AS j`);
  const parsed = JSON.parse(String(r.getRowObjects()[0].j)) as
    | { error: true; error_type?: string; error_message?: string }
    | { error: false; statements: unknown[] };
  if (parsed.error) {
    const msg = parsed.error_message ?? "";
    if (parsed.error_type === "not implemented" || /Only SELECT/i.test(msg)) {
      return { ok: false, reason: "the transform must be a single SELECT statement over the relation `source`" };
    }
    return { ok: false, reason: `DuckDB cannot parse the transform: ${msg.split("\n")[0]}` };
  }
  if (parsed.statements.length !== 1) {
    return { ok: false, reason: `the transform must be a single SELECT statement over the relation \`source\`; found ${parsed.statements.length} statements` };
  }
  return { ok: true, sql: sql.trim().replace(/;\s*$/, ""), statement: parsed.statements[0] };
}
