// One DuckDB instance per process; callers take a connection per unit of work.
import "server-only";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

const g = globalThis as unknown as { larderDuck?: Promise<DuckDBInstance> };

/**
 * Options every DuckDB instance of Larder is created with (this one and the sandbox's): extensions
 * are never installed or loaded at run time. What Larder uses (parquet, json, icu) is statically
 * linked; anything else, e.g. httpfs for a URL a source or a transform names, would otherwise be
 * downloaded and loaded on first use (a server-side request to wherever the URL points).
 */
export const NO_RUNTIME_EXTENSIONS = {
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false",
  allow_community_extensions: "false",
} as const;

export function duckdb(): Promise<DuckDBInstance> {
  g.larderDuck ??= DuckDBInstance.create(":memory:", { threads: "2", ...NO_RUNTIME_EXTENSIONS });
  return g.larderDuck;
}

/** Runs fn with a fresh connection on the process's instance and closes it afterwards. */
export async function withDuckConnection<T>(fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const conn = await (await duckdb()).connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
  }
}

/** Quote an identifier for DuckDB SQL. */
export function qid(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote a string literal for DuckDB SQL. */
export function qlit(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
