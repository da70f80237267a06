import { cp, rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret, newApiToken } from "../auth/secrets";
import { db } from "../db/client";
import type { Role } from "../db/generated/enums";
import { withDuckConnection } from "../duckdb/instance";
import { LarderError } from "../errors";
import { generateRetailData } from "../../examples/retail/generate-data";
import { sharedRedis } from "../redis/connection";
import { registryGenerationKey } from "../redis/generations";
import { applyRepo } from "./apply-repo";
import { loadRepo } from "./load-repo";
import { planRepo } from "./plan-repo";
import { RepoDef, type RepoInput } from "./repo-schema";
import { testSourceDir } from "../../test/fixtures/data-roots";
import { getFreshCatalog, resolveFromCatalog } from "./catalog-cache";

const SYSTEM = { kind: "system" as const, label: "test" };
const uid = () => Math.random().toString(36).slice(2, 10);
let dir: string;
let txPath: string;

beforeAll(async () => {
  dir = await testSourceDir("apply");
  txPath = path.join(dir, "tx.parquet");
  await withDuckConnection((c) =>
    c.run(
      `COPY (SELECT 1::BIGINT AS customer_id, TIMESTAMP '2025-01-01' AS event_timestamp, TIMESTAMP '2025-01-01' AS created_timestamp, 10.5::DOUBLE AS amount) TO '${txPath}' (FORMAT parquet)`,
    ),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function repoInput(project: string): RepoInput {
  return {
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [{ name: "tx", kind: "parquet", path: txPath, timestamp_field: "event_timestamp", created_timestamp_field: "created_timestamp" }],
    feature_views: [
      {
        name: "spend",
        entities: ["customer"],
        source: "tx",
        ttl: "30d",
        transform: "SELECT customer_id, event_timestamp, created_timestamp, amount, amount > 500 AS is_large FROM source",
        features: [{ name: "is_large", dtype: "bool" }],
        aggregations: [{ column: "amount", function: "sum", windows: ["7d", "30d"] }],
        description: "Rolling spend",
        materialization: { schedule: "0 * * * *" },
      },
    ],
    feature_services: [{ name: "svc", features: ["spend:amount_sum_7d", "spend:is_large"] }],
    models: [{ name: "model", feature_services: ["svc"] }],
  };
}
const repoOf = (project: string, mutate: (r: RepoInput) => void = () => {}) => {
  const r = repoInput(project);
  mutate(r);
  return RepoDef.parse(r);
};

async function auditRows(projectName: string) {
  const p = await db().project.findUniqueOrThrow({ where: { name: projectName } });
  return db().auditLog.findMany({ where: { projectId: p.id }, orderBy: { id: "asc" } });
}

async function viewVersions(projectName: string, view: string) {
  return db().featureViewVersion.findMany({
    where: { featureView: { name: view, project: { name: projectName } } },
    include: { features: { orderBy: { position: "asc" } } },
    orderBy: { version: "asc" },
  });
}

describe("applyRepo", () => {
  it("applies a repo; then plan is all unchanged and a second apply changes nothing", async () => {
    const project = `p_${uid()}`;
    {
      const r = await applyRepo({ repo: repoOf(project), actor: SYSTEM, projectCreate: true });
      expect(r.applied).toBe(true);
      expect(r.versions).toEqual([{ view: "spend", version: 1 }]);
      // The after-change step moved the project's registry generation (caches reload).
      expect(Number(await sharedRedis("online").get(registryGenerationKey(project)))).toBe(1);

      const plan = await planRepo({ repo: repoOf(project) });
      expect(plan.hasChanges).toBe(false);
      expect(plan.changes.every((c) => c.action === "unchanged")).toBe(true);

      const auditBefore = (await auditRows(project)).length;
      const again = await applyRepo({ repo: repoOf(project), actor: SYSTEM });
      expect(again.applied).toBe(false);
      expect((await viewVersions(project, "spend")).map((v) => v.version)).toEqual([1]);
      expect((await auditRows(project)).length).toBe(auditBefore);

      const v1 = (await viewVersions(project, "spend"))[0];
      expect(v1.features.map((f) => [f.name, f.dtype, f.kind])).toEqual([
        ["is_large", "bool", "field"],
        ["amount_sum_7d", "float64", "aggregation"],
        ["amount_sum_30d", "float64", "aggregation"],
      ]);
      expect(v1.entityNames).toEqual(["customer"]);
      expect(v1.ttlSeconds).toBe(30 * 86400);
      expect((v1.definition as { join_keys: unknown }).join_keys).toEqual([{ name: "customer_id", dtype: "int64" }]);
      const svc = await db().featureService.findFirstOrThrow({ where: { name: "svc", project: { name: project } }, include: { features: true, models: true } });
      expect(svc.features.map((f) => [f.featureName, f.version])).toEqual([
        ["amount_sum_7d", null],
        ["is_large", null],
      ]);
      expect(svc.models).toHaveLength(1);
    }
  });

  it("creates v2 on a transform change and keeps v1 readable; pinned references resolve", async () => {
    const project = `p_${uid()}`;
    await applyRepo({ repo: repoOf(project), actor: SYSTEM, projectCreate: true });
    const changed = repoOf(project, (r) => {
      r.feature_views![0].transform = "SELECT customer_id, event_timestamp, created_timestamp, amount, amount > 100 AS is_large FROM source";
      r.feature_views![0].aggregations!.push({ column: "amount", function: "count", windows: ["7d"] });
      r.feature_services![0].features.push("spend@v1:amount_sum_30d");
    });
    const plan = await planRepo({ repo: changed });
    expect(plan.changes.find((c) => c.kind === "feature_view")).toMatchObject({ action: "new_version", fromVersion: 1, toVersion: 2, fields: ["transform", "aggregations"] });
    const r = await applyRepo({ repo: changed, actor: SYSTEM });
    expect(r.versions).toEqual([{ view: "spend", version: 2 }]);

    const versions = await viewVersions(project, "spend");
    expect(versions.map((v) => [v.version, v.transform?.includes("> 500")])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(versions[0].features.map((f) => f.name)).toEqual(["is_large", "amount_sum_7d", "amount_sum_30d"]);
    expect(versions[1].features.map((f) => f.name)).toContain("amount_count_7d");
    const view = await db().featureView.findFirstOrThrow({ where: { name: "spend", project: { name: project } } });
    expect(view.latestVersion).toBe(2);

    const catalog = await getFreshCatalog(project);
    const resolve = (sel: { features?: string[]; feature_service?: string }) => Promise.resolve().then(() => resolveFromCatalog(catalog, sel));
    const resolved = await resolve({ features: ["spend@v1:is_large", "spend:amount_count_7d", "spend@v1"] });
    // A whole-view ref expands to every feature of that version (the planners drop repeats).
    expect(resolved.map((f) => [f.ref, f.feature, f.version, f.kind])).toEqual([
      ["spend@v1:is_large", "is_large", 1, "field"],
      ["spend:amount_count_7d", "amount_count_7d", 2, "aggregation"],
      ["spend@v1", "is_large", 1, "field"],
      ["spend@v1", "amount_sum_7d", 1, "aggregation"],
      ["spend@v1", "amount_sum_30d", 1, "aggregation"],
    ]);
    const bySvc = await resolve({ feature_service: "svc" });
    expect(bySvc.map((f) => f.ref)).toEqual(["spend:amount_sum_7d", "spend:is_large", "spend@v1:amount_sum_30d"]);
    await expect(resolve({ features: ["spend@v1:amount_count_7d"] })).rejects.toThrow(/"amount_count_7d" does not exist in spend@v1.*features: is_large/);
    await expect(resolve({ features: ["spend@v9:x"] })).rejects.toThrow(/no version 9.*versions: v1, v2/);
    await expect(resolve({ features: ["nope:x"] })).rejects.toThrow(/"nope".*feature views: spend/);
    await expect(resolve({ feature_service: "ghost" })).rejects.toThrow(/feature services: svc/);

    // Pinning a version that does not exist fails validation with the field named.
    // (The changed repo matches v2, so v3 would not exist after apply.)
    const bad = RepoDef.parse({ ...structuredClone(changed), feature_services: [{ name: "svc", features: ["spend@v3:is_large"] }] });
    const err = await applyRepo({ repo: bad, actor: SYSTEM }).catch((e: unknown) => e as LarderError);
    expect(err).toBeInstanceOf(LarderError);
    expect((err as LarderError).status).toBe(422);
    expect((err as LarderError).invalidParams).toEqual([
      expect.objectContaining({ name: "feature_services[0].features[0]", object: "feature_service svc", reason: expect.stringMatching(/no version 3/) }),
    ]);
  });

  it("edits metadata in place (same version) and audits it", async () => {
    const project = `p_${uid()}`;
    await applyRepo({ repo: repoOf(project), actor: SYSTEM, projectCreate: true });
    const edited = repoOf(project, (r) => {
      r.feature_views![0].description = "Spend per customer over rolling windows";
      r.feature_views![0].tags = { team: "risk", restricted: "true" };
      r.feature_views![0].materialization = { online: true, offline: true, schedule: "*/15 * * * *" };
    });
    const r = await applyRepo({ repo: edited, actor: SYSTEM });
    expect(r.plan.changes.find((c) => c.kind === "feature_view")).toMatchObject({ action: "update", fields: ["description", "tags", "restricted", "materialization"], toVersion: 1 });
    const versions = await viewVersions(project, "spend");
    expect(versions).toHaveLength(1);
    expect(versions[0].materialization).toEqual({ online: true, offline: true, schedule: "*/15 * * * *" });
    const view = await db().featureView.findFirstOrThrow({ where: { name: "spend", project: { name: project } } });
    expect(view).toMatchObject({ description: "Spend per customer over rolling windows", restricted: true, latestVersion: 1 });
    const audit = await auditRows(project);
    expect(audit.map((a) => a.action)).toEqual(["apply", "apply", "feature_view.metadata_update", "feature_view.restriction_change"]);
    expect(audit[2]).toMatchObject({ targetName: "spend", actorType: "system", actorLabel: "test" });
    expect(audit[2].details).toMatchObject({ fields: ["description", "tags", "restricted", "materialization"] });
    expect(audit[3]).toMatchObject({ targetName: "spend", details: { from: false, to: true } });
  });

  it("refuses to prune a view a feature service depends on (409 naming it), allows it after, restores it later", async () => {
    const project = `p_${uid()}`;
    await applyRepo({ repo: repoOf(project), actor: SYSTEM, projectCreate: true });
    const withoutView = repoOf(project, (r) => {
      r.feature_views = [];
    });
    // Without prune the view stays and the service still resolves against the registry.
    const kept = await applyRepo({ repo: withoutView, actor: SYSTEM });
    expect(kept.plan.changes.find((c) => c.kind === "feature_view")).toMatchObject({ action: "would_archive_with_prune" });

    const err = await applyRepo({ repo: withoutView, actor: SYSTEM, prune: true }).catch((e: unknown) => e as LarderError);
    expect(err).toBeInstanceOf(LarderError);
    expect((err as LarderError).status).toBe(409);
    expect((err as LarderError).message).toMatch(/feature_view spend is used by feature_service svc/);
    expect((err as LarderError).details).toMatchObject({ conflicts: [{ kind: "feature_view", name: "spend", dependents: ["feature_service svc"] }] });
    expect((await db().featureView.findFirstOrThrow({ where: { name: "spend", project: { name: project } } })).archivedAt).toBeNull();

    const bare = repoOf(project, (r) => {
      r.feature_views = [];
      r.feature_services = [];
      r.models = [];
    });
    const pruned = await applyRepo({ repo: bare, actor: SYSTEM, prune: true });
    expect(pruned.plan.changes.filter((c) => c.action === "archive").map((c) => `${c.kind} ${c.name}`).sort()).toEqual([
      "feature_service svc",
      "feature_view spend",
      "model model",
    ]);
    expect((await db().featureView.findFirstOrThrow({ where: { name: "spend", project: { name: project } } })).archivedAt).not.toBeNull();
    const audit = (await auditRows(project)).map((a) => a.action);
    expect(audit).toContain("feature_view.archive");

    // Bringing the definitions back un-archives them, without a new version.
    const back = await applyRepo({ repo: repoOf(project), actor: SYSTEM });
    expect(back.plan.changes.find((c) => c.kind === "feature_view")).toMatchObject({ action: "restore", toVersion: 1 });
    const view = await db().featureView.findFirstOrThrow({ where: { name: "spend", project: { name: project } } });
    expect(view.archivedAt).toBeNull();
    expect(view.latestVersion).toBe(1);
    expect((await planRepo({ repo: repoOf(project) })).hasChanges).toBe(false);
  });

  it("does not create projects for callers that may not", async () => {
    const project = `p_${uid()}`;
    const viewer = { kind: "token" as const, tokenId: "t", userId: "u", email: "x@example.com", isAdmin: false as const, grants: [] };
    await expect(applyRepo({ repo: repoOf(project), actor: viewer, projectCreate: true })).rejects.toThrow(/does not exist/);
  });

  it("applies the sample retail repo cleanly", async () => {
    const repoDir = path.join(dir, "retail");
    await cp(path.resolve(import.meta.dirname, "../../examples/retail"), repoDir, { recursive: true, filter: (src) => !src.includes(`${path.sep}data`) });
    const gen = await generateRetailData(path.join(repoDir, "data"), { end: new Date("2025-06-01T00:00:00Z"), customers: 40, transactions: 1500 });
    expect(gen.rows.corrections).toBeGreaterThan(0);
    const loaded = await loadRepo(repoDir);
    const project = `retail_${uid()}`;
    const repo = { ...loaded.repo, project };
    const plan = await planRepo({ repo, origins: loaded.origins });
    expect(plan.warnings).toEqual([]);
    const r = await applyRepo({ repo, origins: loaded.origins, actor: SYSTEM, projectCreate: true });
    expect(r.versions).toEqual([
      { view: "customer_spend", version: 1 },
      { view: "customer_profile", version: 1 },
    ]);
    const resolved = resolveFromCatalog(await getFreshCatalog(project), { feature_service: "churn_v1" });
    expect(resolved.map((f) => `${f.view}:${f.feature}`)).toEqual([
      "customer_spend:amount_sum_7d",
      "customer_spend:amount_sum_30d",
      "customer_spend:amount_count_30d",
      "customer_spend:amount_avg_30d",
      "customer_spend:is_large",
      "customer_profile:age",
      "customer_profile:segment",
      "customer_profile:signup_channel",
    ]);
    expect((await planRepo({ repo })).hasChanges).toBe(false);
  });
});

// ---- HTTP through the route handlers, with real tokens ----

async function tokenFor(projectId: string, role: Role): Promise<string> {
  const user = await db().user.create({ data: { email: `${uid()}@example.com`, passwordHash: "x" } });
  await db().membership.create({ data: { projectId, userId: user.id, role } });
  const { token, prefix } = newApiToken();
  await db().apiToken.create({ data: { name: "t", prefix, tokenHash: hashSecret(token), projectId, role, createdById: user.id } });
  return token;
}

function post(url: string, token: string | null, body: unknown, method = "POST"): Request {
  return new Request(`http://localhost${url}`, {
    method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("plan/apply over HTTP", () => {
  it("plans, applies, edits metadata and reports problems as problem+json", async () => {
    const { POST: planPOST } = await import("@/app/api/v1/projects/[project]/plan/route");
    const { POST: applyPOST } = await import("@/app/api/v1/projects/[project]/apply/route");
    const { PATCH } = await import("@/app/api/v1/projects/[project]/feature-views/[view]/route");
    const project = `h_${uid()}`;
    const p = await db().project.create({ data: { name: project } });
    const editor = await tokenFor(p.id, "editor");
    const viewer = await tokenFor(p.id, "viewer");
    const params = { params: Promise.resolve({ project }) };
    const repo = repoInput(project);

    const planned = await planPOST(post(`/api/v1/projects/${project}/plan`, editor, { repo }), params);
    expect(planned.status).toBe(200);
    const plan = await planned.json();
    expect(plan.changes.filter((c: { action: string }) => c.action === "create")).toHaveLength(5);

    expect((await applyPOST(post(`/api/v1/projects/${project}/apply`, viewer, { repo }), params)).status).toBe(403);
    expect((await applyPOST(post(`/api/v1/projects/${project}/apply`, null, { repo }), params)).status).toBe(401);

    const applied = await applyPOST(post(`/api/v1/projects/${project}/apply`, editor, { repo }), params);
    expect(applied.status).toBe(200);
    expect((await applied.json()).versions).toEqual([{ view: "spend", version: 1 }]);
    const audit = await auditRows(project);
    expect(audit[0]).toMatchObject({ action: "apply", actorType: "token" });

    // The path names the project; a different repo.project is a 400 that says so.
    const mismatch = await planPOST(post(`/api/v1/projects/${project}/plan`, editor, { repo: { ...repo, project: "other" } }), params);
    expect(mismatch.status).toBe(400);
    expect((await mismatch.json()).invalid_params).toEqual([{ name: "repo.project", reason: `must be "${project}"` }]);

    // Unknown fields and malformed JSON are 400s, never 500s.
    const unknown = await planPOST(post(`/api/v1/projects/${project}/plan`, editor, { repo, force: true }), params);
    expect(unknown.status).toBe(400);
    expect((await planPOST(post(`/api/v1/projects/${project}/plan`, editor, "{not json"), params)).status).toBe(400);

    // Semantic problems: 422 with every problem, naming the file when the CLI sent origins.
    const broken = structuredClone(repo);
    broken.feature_views![0].ttl = "99999999999999999w"; // matches the pattern, overflows
    broken.feature_views![0].entities = ["nobody"];
    broken.feature_views![0].transform = "SELECT FROM WHERE";
    const origins = { feature_views: [{ file: "views.yaml", index: 0 }] };
    const bad = await planPOST(post(`/api/v1/projects/${project}/plan`, editor, { repo: broken, origins }), params);
    expect(bad.status).toBe(422);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");
    const problem = await bad.json();
    expect(problem.code).toBe("validation_failed");
    expect(problem.invalid_params.map((x: { name: string }) => x.name).sort()).toEqual(
      ["feature_views[0].entities[0]", "feature_views[0].transform", "feature_views[0].ttl"].sort(),
    );
    expect(problem.invalid_params.every((x: { file?: string; object?: string }) => x.file === "views.yaml" && x.object === "feature_view spend")).toBe(true);

    // Metadata edit in place: no new version, audited.
    const viewParams = { params: Promise.resolve({ project, view: "spend" }) };
    const patched = await PATCH(post(`/api/v1/projects/${project}/feature-views/spend`, editor, { description: "Edited in the console", owner: "me@example.com" }, "PATCH"), viewParams);
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ description: "Edited in the console", owner: "me@example.com", latestVersion: 1, changed: ["description", "owner"] });
    expect((await viewVersions(project, "spend")).map((v) => v.version)).toEqual([1]);
    expect((await auditRows(project)).at(-1)).toMatchObject({ action: "feature_view.metadata_update", targetName: "spend" });
    expect((await PATCH(post(`/api/v1/projects/${project}/feature-views/spend`, viewer, { description: "x" }, "PATCH"), viewParams)).status).toBe(403);
    expect((await PATCH(post(`/api/v1/projects/${project}/feature-views/spend`, editor, { version: 2 }, "PATCH"), viewParams)).status).toBe(400);
    const missing = await PATCH(post(`/api/v1/projects/${project}/feature-views/ghost`, editor, { description: "x" }, "PATCH"), {
      params: Promise.resolve({ project, view: "ghost" }),
    });
    expect(missing.status).toBe(404);

    // Prune conflict over HTTP: 409 problem naming the dependents.
    const noView = { ...repo, feature_views: [] };
    const conflict = await applyPOST(post(`/api/v1/projects/${project}/apply`, editor, { repo: noView, prune: true }), params);
    expect(conflict.status).toBe(409);
    const c = await conflict.json();
    expect(c.detail).toMatch(/feature_service svc/);
    expect(c.conflicts[0].dependents).toEqual(["feature_service svc"]);
  });
});
