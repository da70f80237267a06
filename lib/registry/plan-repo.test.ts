import { describe, expect, it } from "vitest";
import { compileView } from "./compile-view";
import { buildPlan, renderPlan } from "./plan-repo";
import { emptyRegistryState, type RegistryState } from "./registry-state";
import { RepoDef, type RepoInput } from "./repo-schema";
import { sourceHash } from "./definition-hash";

const baseRepo: RepoInput = {
  project: "shop",
  entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
  sources: [{ name: "tx", kind: "parquet", path: "/d/tx.parquet", timestamp_field: "event_timestamp" }],
  feature_views: [
    {
      name: "spend",
      entities: ["customer"],
      source: "tx",
      ttl: "30d",
      transform: "SELECT customer_id, event_timestamp, amount FROM source",
      features: [{ name: "amount", dtype: "float64" }],
      aggregations: [{ column: "amount", function: "sum", windows: ["7d"] }],
      description: "Spend",
    },
  ],
  feature_services: [{ name: "svc", features: ["spend:amount_sum_7d"] }],
  models: [{ name: "m", feature_services: ["svc"] }],
};

const repoOf = (mutate: (r: RepoInput) => void = () => {}) => {
  const r = structuredClone(baseRepo);
  mutate(r);
  return RepoDef.parse(r);
};

/** The registry state after applying `repo` (what apply would have written). */
function stateOf(input: RepoDef): RegistryState {
  const s = emptyRegistryState();
  s.project = { id: "p", name: input.project, description: "" };
  const meta = (o: { name: string; description: string; owner: string; tags: Record<string, string> }) => ({
    id: `id-${o.name}`,
    name: o.name,
    description: o.description,
    owner: o.owner,
    tags: o.tags,
    archived: false,
  });
  for (const e of input.entities) s.entities.set(e.name, { ...meta(e), joinKeys: e.join_keys });
  for (const x of input.sources) s.sources.set(x.name, { ...meta(x), kind: x.kind, definition: x as never, definitionHash: sourceHash(x) });
  for (const v of input.feature_views) {
    const c = compileView(v, v.entities.map((n) => input.entities.find((e) => e.name === n)!), input.sources.find((x) => x.name === v.source)!);
    s.views.set(v.name, {
      ...meta(v),
      restricted: false,
      latestVersion: 1,
      versions: new Map([
        [1, { id: "v1", version: 1, definitionHash: c.hash, definition: c.definition, sourceName: c.sourceName, entityNames: c.entityNames, materialization: c.materialization, monitoring: c.monitoring, features: c.features }],
      ]),
    });
  }
  for (const f of input.feature_services) s.services.set(f.name, { ...meta(f), featureRefs: f.features });
  for (const m of input.models) s.models.set(m.name, { ...meta(m), featureServices: [...m.feature_services].sort() });
  return s;
}

const actions = (repo: RepoDef, state: RegistryState, prune = false) =>
  buildPlan(repo, state, { prune }).plan.changes.map((c) => `${c.action} ${c.kind} ${c.name}${c.fields.length ? ` [${c.fields.join(",")}]` : ""}`);

describe("buildPlan", () => {
  it("creates everything in an empty registry", () => {
    const { plan } = buildPlan(repoOf(), emptyRegistryState());
    expect(plan.changes.every((c) => c.action === "create")).toBe(true);
    expect(plan.changes.find((c) => c.kind === "feature_view")).toMatchObject({ toVersion: 1 });
    expect(plan.hasChanges).toBe(true);
    expect(renderPlan(plan)).toContain("+ create feature_view spend (v1)");
  });

  it("is all unchanged against the state it produced", () => {
    const repo = repoOf();
    const { plan } = buildPlan(repo, stateOf(repo));
    expect(plan.changes.map((c) => c.action)).toEqual(Array(plan.changes.length).fill("unchanged"));
    expect(plan.hasChanges).toBe(false);
    expect(renderPlan(plan)).toContain("No changes");
  });

  it("plans a new version naming the changed parts", () => {
    const state = stateOf(repoOf());
    const repo = repoOf((r) => {
      r.feature_views![0].transform = "SELECT customer_id, event_timestamp, amount * 2 AS amount FROM source";
      r.feature_views![0].ttl = "7d";
    });
    const { plan } = buildPlan(repo, state);
    const c = plan.changes.find((x) => x.kind === "feature_view")!;
    expect(c).toMatchObject({ action: "new_version", fromVersion: 1, toVersion: 2 });
    expect(c.fields).toEqual(["transform", "ttl"]);
    expect(renderPlan(plan)).toContain("~ new version feature_view spend v2 (transform, ttl changed)");
  });

  it("re-versions views when their source or entity changes", () => {
    const state = stateOf(repoOf());
    const repo = repoOf((r) => {
      (r.sources![0] as { path: string }).path = "/d/other.parquet";
    });
    expect(actions(repo, state)).toContain("update source tx [path]");
    expect(actions(repo, state)).toContain("new_version feature_view spend [source]");
  });

  it("edits metadata in place", () => {
    const state = stateOf(repoOf());
    const repo = repoOf((r) => {
      r.feature_views![0].description = "Rolling spend";
      r.feature_views![0].tags = { team: "risk" };
      r.feature_views![0].materialization = { schedule: "0 * * * *" };
      r.feature_views![0].features = [{ name: "amount", dtype: "float64", description: "last amount" }];
      r.entities![0].owner = "me";
    });
    const a = actions(repo, state);
    expect(a).toContain("update feature_view spend [description,tags,materialization,features.description]");
    expect(a).toContain("update entity customer [owner]");
    expect(renderPlan(buildPlan(repo, state).plan)).toContain("~ update feature_view spend (description, tags, materialization, features.description)");
  });

  it("edits freshness and monitoring rules in place (no new version)", () => {
    const state = stateOf(repoOf());
    const repo = repoOf((r) => {
      r.feature_views![0].freshness = "2h";
      r.feature_views![0].monitoring = { row_count: { min: 1 }, features: { amount: { not_null: true, on_fail: "fail" } }, drift: { threshold: 0.3 } };
    });
    expect(actions(repo, state)).toContain("update feature_view spend [monitoring]");
    expect(actions(repo, stateOf(repo))).toContain("unchanged feature_view spend");
  });

  it("lists removed objects, archiving them only with prune, and reports blocked archives", () => {
    const state = stateOf(repoOf());
    const withoutModel = repoOf((r) => {
      r.models = [];
    });
    expect(actions(withoutModel, state)).toContain("would_archive_with_prune model m");
    expect(buildPlan(withoutModel, state).plan.hasChanges).toBe(false);
    expect(actions(withoutModel, state, true)).toContain("archive model m");

    const withoutView = repoOf((r) => {
      r.feature_views = [];
    });
    const { plan } = buildPlan(withoutView, state, { prune: true });
    expect(plan.conflicts).toEqual([
      { kind: "feature_view", name: "spend", reason: "feature_view spend is still used by feature_service svc", dependents: ["feature_service svc"] },
    ]);
    expect(renderPlan(plan)).toContain("! cannot archive feature_view spend: used by feature_service svc");
    expect(buildPlan(withoutView, state, { prune: false }).plan.conflicts).toEqual([]);
  });

  it("restores an archived object that is back in the repo", () => {
    const repo = repoOf();
    const state = stateOf(repo);
    state.models.get("m")!.archived = true;
    expect(actions(repo, state)).toContain("restore model m");
  });

  it("updates service references and model links", () => {
    const state = stateOf(repoOf());
    const repo = repoOf((r) => {
      r.feature_services![0].features = ["spend:amount_sum_7d", "spend:amount"];
      r.feature_services!.push({ name: "svc2", features: ["spend"] });
      r.models![0].feature_services = ["svc", "svc2"];
    });
    const a = actions(repo, state);
    expect(a).toContain("update feature_service svc [features]");
    expect(a).toContain("create feature_service svc2");
    expect(a).toContain("update model m [feature_services]");
  });
});
