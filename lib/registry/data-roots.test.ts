// Source path confinement: every path an editor might write to reach a file they may not read.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { LarderError } from "../errors";
import { SOURCE_PATH_ATTEMPTS } from "../../test/support/attacks";
import { checkSourcePath, confineSourcePath, dataRoots, globPrefix, rootsForProject, sandboxRootsFor } from "./data-roots";

let base: string;
let shared: string;
let mine: string;
let theirs: string;
let store: string;

function setEnv(vars: Record<string, string>) {
  Object.assign(process.env, vars);
  resetEnvForTests();
}

beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "larder-roots-")));
  shared = path.join(base, "shared");
  mine = path.join(base, "retail");
  theirs = path.join(base, "payments");
  store = path.join(base, "offline");
  for (const d of [shared, mine, theirs, path.join(store, "payments", "_push", "tx", "date=2025-01-01"), path.join(base, "elsewhere")]) await fs.mkdir(d, { recursive: true });
  await fs.writeFile(path.join(shared, "tx.parquet"), "x");
  await fs.writeFile(path.join(theirs, "cards.parquet"), "x");
  await fs.writeFile(path.join(base, "elsewhere", "secret.csv"), "x");
  await fs.symlink(path.join(base, "elsewhere", "secret.csv"), path.join(shared, "link.csv"));
  await fs.symlink(path.join(base, "elsewhere"), path.join(shared, "dirlink"));
  await fs.symlink(theirs, path.join(mine, "theirs"));
  await fs.symlink(store, path.join(shared, "store"));
  setEnv({ DATA_ROOTS: `${shared},retail=${mine},payments=${theirs}`, OFFLINE_STORE_URI: store });
});
afterAll(async () => {
  delete process.env.DATA_ROOTS;
  delete process.env.OFFLINE_STORE_URI;
  resetEnvForTests();
  await fs.rm(base, { recursive: true, force: true });
});


const fill = (p: string) => p.replaceAll("{store}", store).replaceAll("{shared}", shared).replaceAll("{mine}", mine).replaceAll("{theirs}", theirs);

describe("checkSourcePath", () => {
  it("accepts paths and globs inside the project's roots, relative ones against the base folder", () => {
    expect(checkSourcePath("retail", "tx.parquet", shared)).toEqual({ ok: true, path: path.join(shared, "tx.parquet") });
    expect(checkSourcePath("retail", `${shared}/*.parquet`, "/")).toEqual({ ok: true, path: `${shared}/*.parquet` });
    expect(checkSourcePath("retail", `${mine}/new/not-yet.parquet`, "/")).toMatchObject({ ok: true });
    expect(checkSourcePath("payments", `${theirs}/cards.parquet`, "/")).toMatchObject({ ok: true });
  });

  it.each(SOURCE_PATH_ATTEMPTS.map((p) => [p]))("refuses %s", (raw) => {
    const r = checkSourcePath("retail", fill(raw), shared);
    expect(r.ok, JSON.stringify(r)).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/data root/);
  });

  it("names the allowed roots in a 400 that says which field to fix", () => {
    try {
      confineSourcePath("retail", "/etc/passwd", "/", "sources[0].path");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LarderError);
      const err = e as LarderError;
      expect(err.status).toBe(400);
      expect(err.message).toContain(shared);
      expect(err.message).toContain(mine);
      expect(err.message).not.toContain(theirs);
      expect(err.invalidParams?.[0].name).toBe("sources[0].path");
    }
  });

  it("gives the sandbox the real folders of the project's roots only", () => {
    expect(rootsForProject("retail").map((r) => r.dir)).toEqual([shared, mine]);
    expect(sandboxRootsFor("retail")).toEqual([`${shared}/`, `${mine}/`]);
  });

  it("finds the literal prefix of a glob", () => {
    expect(globPrefix("/a/b/*.parquet")).toBe("/a/b");
    expect(globPrefix("/a/*/c/x.parquet")).toBe("/a");
    expect(globPrefix("/a/b/c.parquet")).toBe("/a/b/c.parquet");
    expect(globPrefix("/*")).toBe("/");
  });
});

describe("DATA_ROOTS configuration", () => {
  afterAll(() => setEnv({ DATA_ROOTS: `${shared},retail=${mine},payments=${theirs}`, OFFLINE_STORE_URI: store }));

  it("refuses a root that contains or lies in the offline store", () => {
    setEnv({ DATA_ROOTS: base });
    expect(() => dataRoots()).toThrow(/offline store/);
    setEnv({ DATA_ROOTS: path.join(store, "payments") });
    expect(() => dataRoots()).toThrow(/offline store/);
  });

  it("refuses a root that contains another project's root", () => {
    setEnv({ DATA_ROOTS: `retail=${base}/x,payments=${base}/x/p` });
    expect(() => dataRoots()).toThrow(/must not nest/);
    setEnv({ DATA_ROOTS: `${base}/x,payments=${base}/x/p` });
    expect(() => dataRoots()).toThrow(/must not nest/);
  });

  it("refuses URIs and control characters as roots", () => {
    setEnv({ DATA_ROOTS: "s3://bucket" });
    expect(() => dataRoots()).toThrow(/DATA_ROOTS/);
  });
});
