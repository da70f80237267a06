import { describe, expect, it } from "vitest";
import { checkTransformSql, createSandbox, lockSandbox } from "./sandbox";

describe("transform sandbox", () => {
  it("accepts one SELECT (with CTEs, trailing semicolon) and refuses everything else", async () => {
    const sb = await createSandbox({ threads: 1 });
    try {
      expect(await checkTransformSql(sb.conn, "SELECT 1 AS x;")).toEqual({ sql: "SELECT 1 AS x" });
      expect(await checkTransformSql(sb.conn, "WITH a AS (SELECT 1 AS x) SELECT * FROM a")).toHaveProperty("sql");
      for (const bad of ["ATTACH 'x.db'", "INSTALL httpfs", "LOAD httpfs", "SET threads=1", "COPY (SELECT 1) TO '/tmp/x'", "SELECT 1; SELECT 2", "PRAGMA version", "CREATE TABLE t AS SELECT 1"]) {
        expect(await checkTransformSql(sb.conn, bad), bad).toHaveProperty("reason");
      }
    } finally {
      sb.close();
    }
  });

  it("once locked, no file access, no extension loading and no setting changes", async () => {
    const sb = await createSandbox({ threads: 1 });
    try {
      await sb.conn.run("CREATE TABLE source AS SELECT 1 AS x");
      await lockSandbox(sb.conn, { paths: [], directories: [] });
      expect((await sb.conn.runAndReadAll("SELECT count(*) AS n FROM source")).getRowObjects()[0].n).toBe(1n);
      await expect(sb.conn.run("SELECT * FROM read_parquet('/etc/passwd')")).rejects.toThrow(/disabled by configuration/);
      await expect(sb.conn.run("SELECT * FROM read_text('/etc/hostname')")).rejects.toThrow(/disabled by configuration/);
      await expect(sb.conn.run("ATTACH '/tmp/larder-x.duckdb' AS x")).rejects.toThrow(/disabled by configuration/);
      await expect(sb.conn.run("LOAD httpfs")).rejects.toThrow(/disabled/);
      await expect(sb.conn.run("SET enable_external_access=true")).rejects.toThrow(/locked/);
      await expect(sb.conn.run("COPY source TO '/tmp/larder-leak.csv'")).rejects.toThrow(/disabled by configuration/);
    } finally {
      sb.close();
    }
  });
});
