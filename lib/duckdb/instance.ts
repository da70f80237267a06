// One DuckDB instance per process; callers take a connection per unit of work.
import "server-only";
import { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

const g = globalThis as unknown as { larderDuck?: Promise<DuckDBInstance> };

export function duckdb(): Promise<DuckDBInstance> {
  g.larderDuck ??= DuckDBInstance.create(":memory:", { threads: "2" });
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
