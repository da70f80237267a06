// The sandbox escape table (docs/security.md): every way we know for SQL to reach a file, URL,
// extension or setting outside what the sandbox allows. Each attempt must fail, and its error must
// not carry a byte of the secret it aimed at (the table: test/support/attacks.ts).
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_ATTEMPTS } from "../../test/support/attacks";
import { SandboxTimeout, openSandbox, parseSingleSelect, withDeadline, type Sandbox } from "./sandbox";

let base: string;
let root: string;
let outside: string;
const SECRET = "larder-sandbox-secret-7f3a";

beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "larder-sandbox-")));
  root = path.join(base, "root");
  outside = path.join(base, "outside");
  await fs.mkdir(path.join(root, "sub"), { recursive: true });
  await fs.mkdir(outside, { recursive: true });
  await fs.writeFile(path.join(root, "ok.csv"), "a,b\n1,2\n");
  await fs.writeFile(path.join(outside, "secret.csv"), `${SECRET},x\n${SECRET},y\n`);
  await fs.symlink(path.join(outside, "secret.csv"), path.join(root, "link.csv"));
  await fs.symlink(outside, path.join(root, "dirlink"));
  await fs.symlink("/etc", path.join(root, "etc"));
});
afterAll(() => fs.rm(base, { recursive: true, force: true }));


const fill = (sql: string) => sql.replaceAll("{o}", outside).replaceAll("{r}", root);

describe("the sandbox", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await openSandbox({ readDirectories: [root], threads: 1 });
    await sb.conn.run("CREATE TABLE t (a VARCHAR, b VARCHAR)");
  });
  afterAll(() => sb.close());

  it("reads what it is allowed to", async () => {
    const r = await sb.conn.runAndReadAll(`SELECT * FROM read_csv('${root}/ok.csv')`);
    expect(r.getRowObjectsJson()).toEqual([{ a: "1", b: "2" }]);
    expect((await sb.conn.runAndReadAll(`SELECT count(*)::INT AS n FROM glob('${root}/*.csv')`)).getRowObjectsJson()[0].n).toBeGreaterThanOrEqual(1);
  });

  // User SQL passes two layers: the single-SELECT gate, then the sandbox. Each attempt must be
  // stopped by one of them, and a SELECT that the gate lets through must be stopped by the sandbox.
  it.each(SANDBOX_ATTEMPTS.map((a) => [a.family, a.sql]))("refuses %s: %s", async (_family, raw) => {
    const sql = fill(raw);
    const gate = await parseSingleSelect(sb.conn, sql);
    if (!gate.ok) {
      expect(gate.reason).not.toContain(SECRET);
      return;
    }
    let error: Error | null = null;
    let rows: unknown = null;
    try {
      rows = (await sb.conn.runAndReadAll(gate.sql)).getRowObjectsJson();
    } catch (e) {
      error = e as Error;
    }
    expect(error, `escaped, returned ${JSON.stringify(rows)}`).not.toBeNull();
    expect(error!.message).not.toContain(SECRET);
    expect(error!.message).not.toMatch(/root:x:0/);
  });

  // Behind the gate, the sandbox alone still refuses every statement that reaches outside the
  // allowed folders or touches settings and extensions (writes INSIDE an allowed folder are
  // stopped by the gate only: DuckDB has no read-only allow-list).
  it.each(SANDBOX_ATTEMPTS.filter((a) => !a.sql.includes("'{r}/x.duckdb'") && !a.sql.includes("'{r}/written.csv'")).map((a) => [a.family, a.sql]))(
    "refuses even without the gate %s: %s",
    async (_family, raw) => {
      await expect(sb.conn.runAndReadAll(fill(raw))).rejects.toThrow();
    },
  );

  it("wrote nothing while refusing", async () => {
    expect(await fs.readdir(outside)).toEqual(["secret.csv"]);
  });

  it("keeps its settings locked", async () => {
    const r = (await sb.conn.runAndReadAll(
      "SELECT current_setting('enable_external_access') AS e, current_setting('lock_configuration') AS l, current_setting('autoinstall_known_extensions') AS i, current_setting('autoload_known_extensions') AS a",
    )).getRowObjectsJson()[0];
    expect(r).toEqual({ e: false, l: true, i: false, a: false });
  });
});

describe("parseSingleSelect", () => {
  it("accepts one SELECT (with CTEs, trailing semicolon) and refuses everything else", async () => {
    const sb = await openSandbox({ threads: 1 });
    try {
      expect(await parseSingleSelect(sb.conn, "SELECT 1 AS x;")).toMatchObject({ ok: true, sql: "SELECT 1 AS x" });
      expect(await parseSingleSelect(sb.conn, "WITH a AS (SELECT 1 AS x) SELECT * FROM a")).toMatchObject({ ok: true });
      for (const bad of ["ATTACH 'x.db'", "INSTALL httpfs", "LOAD httpfs", "SET threads=1", "COPY (SELECT 1) TO '/tmp/x'", "SELECT 1; SELECT 2", "PRAGMA version", "CREATE TABLE t AS SELECT 1"]) {
        expect(await parseSingleSelect(sb.conn, bad), bad).toMatchObject({ ok: false });
      }
    } finally {
      sb.close();
    }
  });
});

describe("withDeadline", () => {
  it("interrupts a query that runs past its deadline", async () => {
    const sb = await openSandbox({ threads: 1 });
    try {
      const started = Date.now();
      await expect(withDeadline(sb.conn, 200, () => sb.conn.run("SELECT count(*) FROM range(10000000000) a, range(10) b"))).rejects.toBeInstanceOf(SandboxTimeout);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      sb.close();
    }
  });
});
