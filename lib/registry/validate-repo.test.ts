import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "../config/env";
import { withDuckConnection } from "../duckdb/instance";
import { loadRepo } from "./load-repo";
import { emptyRegistryState } from "./registry-state";
import { collectRepoProblems } from "./validate-repo";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "larder-validate-"));
  // Source files may be read only inside a data root.
  process.env.DATA_ROOTS = dir;
  resetEnvForTests();
  await withDuckConnection((c) =>
    c.run(
      `COPY (SELECT 1::BIGINT AS customer_id, TIMESTAMP '2025-01-01' AS event_timestamp, 10.5::DOUBLE AS amount, 'x' AS note) TO '${path.join(dir, "tx.parquet")}' (FORMAT parquet)`,
    ),
  );
});
afterAll(async () => {
  delete process.env.DATA_ROOTS;
  resetEnvForTests();
  await rm(dir, { recursive: true, force: true });
});

let n = 0;
async function check(files: Record<string, string>) {
  const repo = path.join(dir, `repo${n++}`);
  await mkdir(repo);
  for (const [name, t] of Object.entries(files)) await writeFile(path.join(repo, name), t);
  const loaded = await loadRepo(repo);
  return collectRepoProblems(loaded.repo, { registry: emptyRegistryState(), origins: loaded.origins });
}

const base = `project: shop
entities:
  - name: customer
    join_keys: [{ name: customer_id, dtype: int64 }]
sources:
  - { name: tx, kind: parquet, path: ../tx.parquet, timestamp_field: event_timestamp }
  - { name: pushed, kind: push, timestamp_field: ts, schema: [{ name: customer_id, dtype: int64 }, { name: v, dtype: float64 }] }
`;

describe("collectRepoProblems", () => {
  it("accepts a valid repo and checks columns against the parquet schema and the bound transform", async () => {
    const r = await check({
      "repo.yaml": base,
      "views.yaml": `feature_views:
  - name: spend
    entities: [customer]
    source: tx
    transform: SELECT customer_id, event_timestamp, amount, amount > 500 AS is_large FROM source
    features: [{ name: is_large, dtype: bool }]
    aggregations: [{ column: amount, function: sum, windows: [7d] }]
    materialization: { schedule: "0 * * * *" }
  - name: pushed_v
    entities: [customer]
    source: pushed
    features: [{ name: v, dtype: float64 }]
feature_services:
  - { name: svc, features: ["spend:amount_sum_7d", "spend", "pushed_v@v1:v"] }
models:
  - { name: m, feature_services: [svc] }
`,
    });
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
  });

  it("reports every problem at once, naming file, object and field", async () => {
    const { problems } = await check({
      "repo.yaml": base,
      "views.yaml": `feature_views:
  - name: spend
    entities: [customer, shop]
    source: txx
    features: [{ name: customer_id, dtype: int64 }]
  - name: spend2
    entities: [customer]
    source: tx
    transform: SELEC customer_id FROM source
    features: [{ name: x, dtype: int64 }]
  - name: spend3
    entities: [customer]
    source: tx
    transform: SELECT customer_id, event_timestamp, amount AS amt FROM source
    features: [{ name: amt, dtype: float64 }, { name: amt, dtype: float64 }, { name: missing_col, dtype: int64 }]
    aggregations:
      - { column: amount, function: sum, windows: [7d] }
      - { column: amt, function: count, windows: [7d] }
      - { column: amt, function: count, windows: [7d] }
    materialization: { schedule: "61 * * * *" }
  - name: spend3
    entities: [customer]
    source: tx
    features: [{ name: note, dtype: string }]
    aggregations: [{ column: note, function: sum, windows: [1d] }]
  - name: spend4
    entities: [customer]
    source: tx
    transform: SELECT customer_id, nope FROM source
    features: [{ name: nope, dtype: int64 }]
  - name: spend5
    entities: [customer]
    source: tx
    transform: DELETE FROM source
    features: [{ name: nope, dtype: int64 }]
  - name: spend6
    entities: [customer]
    source: tx
    features: [{ name: amount, dtype: float64 }, { name: note, dtype: string }]
    freshness: 2h
    monitoring:
      features:
        ghost: { not_null: true }
        customer_id: { unique: true }
        note: { min: 0 }
      drift: { features: [amount, nothing] }
`,
      "services.yaml": `feature_services:
  - { name: svc, features: ["spend3:amt", "spend3@v2:amt", "spend3:nothing", "ghost:x", "not a ref"] }
models:
  - { name: m, feature_services: [svc, nosvc] }
`,
    });
    const find = (object: string, name: string, re: RegExp) =>
      problems.find((p) => p.object === object && p.name === name && re.test(p.reason));
    const expectations: [string, string, RegExp, string][] = [
      ["feature_view spend", "feature_views[0].entities[1]", /unknown entity "shop"; defined entities: customer/, "views.yaml"],
      ["feature_view spend", "feature_views[0].source", /unknown source "txx"; defined sources: tx, pushed/, "views.yaml"],
      ["feature_view spend", "feature_views[0].features[0].name", /collides with a join key/, "views.yaml"],
      ["feature_view spend2", "feature_views[1].transform", /DuckDB cannot parse the transform: syntax error/, "views.yaml"],
      ["feature_view spend3", "feature_views[2].features[1].name", /duplicate feature name "amt"/, "views.yaml"],
      ["feature_view spend3", "feature_views[2].features[2].name", /"missing_col" is not a column of the transform's output/, "views.yaml"],
      ["feature_view spend3", "feature_views[2].aggregations[0].column", /"amount" is not a column of the transform's output; columns: customer_id, event_timestamp, amt/, "views.yaml"],
      ["feature_view spend3", "feature_views[2].aggregations[2].windows[0]", /duplicate feature name "amt_count_7d"/, "views.yaml"],
      ["feature_view spend3", "feature_views[2].materialization.schedule", /invalid cron expression "61 \* \* \* \*"/, "views.yaml"],
      ["feature_view spend3", "feature_views[3].name", /duplicate name "spend3": already defined in views.yaml/, "views.yaml"],
      ["feature_view spend3", "feature_views[3].aggregations[0].function", /sum needs a numeric column; "note" is VARCHAR/, "views.yaml"],
      ["feature_view spend4", "feature_views[4].transform", /does not bind.*"nope" not found/, "views.yaml"],
      ["feature_view spend5", "feature_views[5].transform", /single SELECT statement/, "views.yaml"],
      ["feature_view spend6", "feature_views[6].monitoring.features.ghost", /unknown feature "ghost"; features of this view: amount, note/, "views.yaml"],
      ["feature_view spend6", "feature_views[6].monitoring.features.customer_id", /a join key: use unique_keys/, "views.yaml"],
      ["feature_view spend6", "feature_views[6].monitoring.features.note", /min\/max apply to numeric features; "note" is string/, "views.yaml"],
      ["feature_view spend6", "feature_views[6].monitoring.drift.features[1]", /unknown feature "nothing"/, "views.yaml"],
      ["feature_service svc", "feature_services[0].features[1]", /has no version 2 \(latest after apply: v1\)/, "services.yaml"],
      ["feature_service svc", "feature_services[0].features[2]", /has no feature "nothing"; its features: amt, missing_col, amount_sum_7d, amt_count_7d/, "services.yaml"],
      ["feature_service svc", "feature_services[0].features[3]", /unknown feature view "ghost"/, "services.yaml"],
      ["feature_service svc", "feature_services[0].features[4]", /is not a feature reference/, "services.yaml"],
      ["model m", "models[0].feature_services[1]", /unknown feature service "nosvc"; feature services: svc/, "services.yaml"],
    ];
    for (const [object, name, re, file] of expectations) {
      const p = find(object, name, re);
      expect(p, `${object} ${name} ${re}\n${JSON.stringify(problems, null, 1)}`).toBeDefined();
      expect(p!.file).toBe(file);
    }
  });

  it("checks the source's timestamp columns and the transform's output timestamp", async () => {
    const { problems } = await check({
      "repo.yaml": base.replace("timestamp_field: event_timestamp }", "timestamp_field: ts, created_timestamp_field: ts }"),
      "views.yaml": `feature_views:
  - name: v
    entities: [customer]
    source: tx
    transform: SELECT customer_id, amount FROM source
    features: [{ name: amount, dtype: float64 }]
`,
    });
    expect(problems.some((p) => p.name === "sources[0].timestamp_field" && /column "ts" does not exist/.test(p.reason))).toBe(true);
    expect(problems.some((p) => p.name === "sources[0].created_timestamp_field" && /must differ/.test(p.reason))).toBe(true);
    expect(problems.some((p) => p.name === "feature_views[0].transform" && /does not bind|no timestamp column/.test(p.reason))).toBe(true);
  });

  it("falls back to the transform's select list when the source file does not exist, with a warning for star selects", async () => {
    const r = await check({
      "repo.yaml": base.replace("path: ../tx.parquet", "path: missing.parquet"),
      "views.yaml": `feature_views:
  - name: v
    entities: [customer]
    source: tx
    transform: SELECT customer_id, event_timestamp, amount AS amt FROM source
    features: [{ name: amount, dtype: float64 }]
  - name: w
    entities: [customer]
    source: tx
    transform: SELECT * FROM source
    features: [{ name: anything, dtype: float64 }]
`,
    });
    expect(r.problems.map((p) => p.name)).toEqual(["feature_views[0].features[0].name"]);
    expect(r.warnings.join("\n")).toMatch(/feature_view w: columns not checked \(file .*missing.parquet does not exist/);
  });
});
