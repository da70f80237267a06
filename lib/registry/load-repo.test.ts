import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LarderError, type InvalidParam } from "../errors";
import { loadRepo } from "./load-repo";
import { RepoDef } from "./repo-schema";

const dirs: string[] = [];
async function repoDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "larder-repo-"));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function problems(dir: string): Promise<InvalidParam[]> {
  const err = await loadRepo(dir).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(LarderError);
  expect((err as LarderError).code).toBe("validation_failed");
  return (err as LarderError).invalidParams!;
}

const ENTITIES = "project: shop\nentities:\n  - name: customer\n    join_keys: [{ name: customer_id, dtype: int64 }]\n";
const SOURCES = "sources:\n  - { name: tx, kind: parquet, path: data/tx.parquet, timestamp_field: ts }\n";

describe("loadRepo", () => {
  it("merges files recursively, skips data/ and hidden files, resolves relative paths, records origins", async () => {
    const dir = await repoDir({
      "a.yaml": ENTITIES,
      "sub/b.yml": SOURCES + "  - { name: remote, kind: parquet, path: 's3://bucket/x.parquet', timestamp_field: ts }\n",
      "data/ignored.yaml": "not: [valid",
      ".hidden.yaml": "garbage: [",
      "notes.txt": "x",
    });
    const r = await loadRepo(dir);
    expect(r.files).toEqual(["a.yaml", "sub/b.yml"]);
    expect(r.repo.project).toBe("shop");
    expect(r.repo.entities.map((e) => e.name)).toEqual(["customer"]);
    expect(r.repo.sources.map((s) => (s as { path: string }).path)).toEqual([path.join(dir, "data/tx.parquet"), "s3://bucket/x.parquet"]);
    expect(r.origins.sources).toEqual([
      { file: "sub/b.yml", index: 0 },
      { file: "sub/b.yml", index: 1 },
    ]);
    expect(r.origins.project).toBe("a.yaml");
    expect(() => RepoDef.parse(r.repo)).not.toThrow();
  });

  it("reports YAML syntax errors with file and line, and keeps checking other files", async () => {
    const dir = await repoDir({ "a.yaml": ENTITIES, "b.yaml": "sources:\n  - name: tx\n    kind: [parquet\n", "c.yaml": "models: 3\n" });
    const ps = await problems(dir);
    const yamlErr = ps.find((p) => p.file === "b.yaml")!;
    expect(yamlErr.reason).toMatch(/YAML syntax error/);
    expect(yamlErr.name).toMatch(/^line \d+, column \d+$/);
    expect(ps.find((p) => p.file === "c.yaml")).toMatchObject({ name: "models" });
  });

  it("reports duplicate YAML keys", async () => {
    const ps = await problems(await repoDir({ "a.yaml": "project: a\nproject: b\n" }));
    expect(ps[0]).toMatchObject({ file: "a.yaml" });
    expect(ps[0].reason).toMatch(/YAML syntax error/);
  });

  it("names file, object and field for schema errors (unknown fields, bad dtypes, durations, postgres table/query)", async () => {
    const dir = await repoDir({
      "a.yaml": ENTITIES,
      "views.yaml": [
        "feature_views:",
        "  - name: ok",
        "    entities: [customer]",
        "    source: tx",
        "    features: [{ name: f, dtype: int64 }]",
        "  - name: bad",
        "    entities: [customer]",
        "    source: tx",
        "    ttl: 7days",
        "    colour: blue",
        "    features: [{ name: f, dtype: integer }]",
        "  - name: empty",
        "    entities: [customer]",
        "    source: tx",
        "sources:",
        "  - { name: pg, kind: postgres, connection: main, timestamp_field: ts }",
      ].join("\n"),
    });
    const ps = await problems(dir);
    const at = (name: string) => ps.find((p) => p.name === name);
    expect(at("feature_views[1].ttl")).toMatchObject({ file: "views.yaml", object: "feature_view bad" });
    expect(at("feature_views[1].ttl")!.reason).toMatch(/duration/);
    expect(at("feature_views[1].features[0].dtype")).toMatchObject({ object: "feature_view bad" });
    expect(ps.some((p) => p.name === "feature_views[1]" && /colour/.test(p.reason))).toBe(true);
    expect(ps.some((p) => p.object === "feature_view empty" && /features or aggregations/.test(p.reason))).toBe(true);
    expect(ps.some((p) => p.object === "source pg" && /exactly one of table or query/.test(p.reason))).toBe(true);
  });

  it("requires one project and agreement between files", async () => {
    expect((await problems(await repoDir({ "a.yaml": SOURCES })))[0]).toMatchObject({ name: "project" });
    const ps = await problems(await repoDir({ "a.yaml": ENTITIES, "b.yaml": "project: other\n" }));
    expect(ps[0]).toMatchObject({ name: "project", file: "b.yaml" });
    expect(ps[0].reason).toMatch(/differs from "shop" declared in a.yaml/);
  });

  it("fails clearly on a missing folder or a folder without YAML", async () => {
    await expect(loadRepo("/nonexistent/larder-repo")).rejects.toThrow(/not a folder/);
    await expect(loadRepo(await repoDir({ "x.txt": "" }))).rejects.toThrow(/No \*\.yaml/);
  });
});
