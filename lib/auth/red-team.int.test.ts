// Red-team review of issue 13's value rule (docs/security.md, "Red-team review"): an editor,
// consumer or viewer of a project trying to obtain a restricted view's values by a route the rule
// was not written for. Each attack is kept, whether it broke in or not:
// - an editor without a grant defines an unrestricted view (or a new source) over the files that
//   feed a restricted view, then reads it online, by preview, or materializes it;
// - a viewer reads values out of a failed materialization job's error (a data-quality rule with
//   on_fail: fail, a conversion error in the transform, error() in the transform);
// - an editor restores an archived restricted view without its tag;
// - a revoked grant keeps answering from a cache.
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_SOURCES_ROOT } from "../../test/fixtures/data-roots";
import { deleteQueueKeys, jobsTestEnv, removeDir, uniqueName, waitForJob } from "../../test/support/jobs";
import { writeParquet } from "../../test/support/materialize";

const prefix = jobsTestEnv();

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { materialize } = await import("../jobs/materialize");
const { applyTestRepo, tokenFor } = await import("../../test/support/retrieval");
const { callRoute } = await import("../../test/fixtures/api");
const { bearer } = await import("../../test/fixtures/auth");

const DAY = 86_400_000;
const T0 = Date.parse("2025-03-01T00:00:00Z");
const SSN = "987-65-4321";
const SCORE = 0.734521;

let project: string;
let projectId: string;
let dir: string;
let secretFile: string;
let publicFile: string;
let workers: ReturnType<typeof startWorkers>;
const tokens: Record<"admin" | "editor" | "grantedEditor" | "consumer" | "viewer", string> = { admin: "", editor: "", grantedEditor: "", consumer: "", viewer: "" };
const RESTRICTED = ["vault", "vault_cast", "vault_err"];

/** The project as its admin set it up: three restricted views over one file, one open view over another. */
type Obj = { name: string } & Record<string, unknown>;
function repo(extra: { sources?: Obj[]; views?: Obj[]; publicPath?: string } = {}): { project: string; entities: Obj[]; sources: Obj[]; feature_views: Obj[] } {
  return {
    project,
    entities: [{ name: "customer", join_keys: [{ name: "customer_id", dtype: "int64" }] }],
    sources: [
      { name: "vault_src", kind: "parquet", path: secretFile, timestamp_field: "event_timestamp" },
      { name: "public_src", kind: "parquet", path: extra.publicPath ?? publicFile, timestamp_field: "event_timestamp" },
      ...(extra.sources ?? []),
    ],
    feature_views: [
      {
        name: "vault",
        entities: ["customer"],
        source: "vault_src",
        tags: { restricted: "true" },
        features: [{ name: "score", dtype: "float64" }],
        monitoring: { features: { score: { min: 1000, on_fail: "fail" } } },
      },
      {
        name: "vault_cast",
        entities: ["customer"],
        source: "vault_src",
        tags: { restricted: "true" },
        transform: "SELECT customer_id, event_timestamp, CAST(ssn AS BIGINT) AS ssn_n FROM source",
        features: [{ name: "ssn_n", dtype: "int64" }],
      },
      {
        name: "vault_err",
        entities: ["customer"],
        source: "vault_src",
        tags: { restricted: "true" },
        transform: "SELECT customer_id, event_timestamp, CASE WHEN score > 0 THEN error('row ' || ssn) ELSE score END AS score FROM source",
        features: [{ name: "score", dtype: "float64" }],
      },
      { name: "open", entities: ["customer"], source: "public_src", features: [{ name: "amount", dtype: "float64" }] },
      ...(extra.views ?? []),
    ],
  };
}

const apply = (token: string, body: unknown, prune = false) =>
  callRoute("POST", "/api/v1/projects/{project}/apply", { params: { project }, headers: bearer(token), body: { repo: body, prune } });
const jobDetail = (token: string, id: string) => callRoute("GET", "/api/v1/jobs/{jobId}", { params: { jobId: id }, headers: bearer(token) });
const sourcePreview = (token: string, name: string) =>
  callRoute("GET", "/api/v1/projects/{project}/sources/{name}/preview", { params: { project, name }, headers: bearer(token) });

/** Nothing of the restricted file's values in a response or message. */
function expectNoValues(text: string) {
  expect(text).not.toContain(SSN);
  expect(text).not.toContain("987654321");
  expect(text).not.toContain(String(SCORE));
  expect(text).not.toContain("0.73");
}

beforeAll(async () => {
  project = uniqueName("redteam");
  dir = path.join(TEST_SOURCES_ROOT, "redteam", project);
  secretFile = path.join(dir, "vault", "secret.parquet");
  publicFile = path.join(dir, "public", "open.parquet");
  const rows = [0, 1, 2].map((i) => ({ customer_id: i + 1, event_timestamp: T0 + i * 3_600_000, score: SCORE, ssn: SSN, amount: 1 }));
  await writeParquet(
    secretFile,
    [{ name: "customer_id", type: "BIGINT" }, { name: "event_timestamp", type: "TIMESTAMP" }, { name: "score", type: "DOUBLE" }, { name: "ssn", type: "VARCHAR" }, { name: "amount", type: "DOUBLE" }],
    rows,
  );
  await writeParquet(publicFile, [{ name: "customer_id", type: "BIGINT" }, { name: "event_timestamp", type: "TIMESTAMP" }, { name: "amount", type: "DOUBLE" }], rows);
  projectId = await applyTestRepo(repo() as never);
  tokens.admin = (await tokenFor(projectId, "admin")).token;
  tokens.editor = (await tokenFor(projectId, "editor")).token;
  tokens.grantedEditor = (await tokenFor(projectId, "editor", { restrictedGrants: RESTRICTED })).token;
  tokens.consumer = (await tokenFor(projectId, "consumer")).token;
  tokens.viewer = (await tokenFor(projectId, "viewer")).token;
  workers = startWorkers({ concurrency: 2, log: () => undefined });
});

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(prefix);
  await removeDir(dir);
});

describe("an editor without a grant cannot route a restricted view's data into an open view", () => {
  it("refuses a new unrestricted view over the restricted view's source", async () => {
    const r = await apply(tokens.editor, repo({ views: [{ name: "peek", entities: ["customer"], source: "vault_src", features: [{ name: "score", dtype: "float64" }] }] }));
    expect(r.status, await r.clone().text()).toBe(403);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/restricted feature view/);
    expect(await db().featureView.count({ where: { projectId, name: "peek" } })).toBe(0);
  });

  it("refuses a new source naming the same file, and a view over it", async () => {
    const r = await apply(
      tokens.editor,
      repo({
        sources: [{ name: "copy_src", kind: "parquet", path: secretFile, timestamp_field: "event_timestamp" }],
        views: [{ name: "peek", entities: ["customer"], source: "copy_src", features: [{ name: "score", dtype: "float64" }] }],
      }),
    );
    expect(r.status).toBe(403);
  });

  it("refuses a view over a glob (or a CSV reading) that covers the restricted file", async () => {
    for (const src of [
      { name: "glob_src", kind: "parquet", path: path.join(dir, "*", "*.parquet"), timestamp_field: "event_timestamp" },
      { name: "glob_src", kind: "parquet", path: path.join(dir, "vault", "../vault/secret.parquet"), timestamp_field: "event_timestamp" },
      { name: "glob_src", kind: "parquet", path: path.join(dir, "**"), timestamp_field: "event_timestamp" },
    ]) {
      const r = await apply(tokens.editor, repo({ sources: [src], views: [{ name: "peek", entities: ["customer"], source: "glob_src", features: [{ name: "amount", dtype: "float64" }] }] }));
      expect(r.status, `${src.path}: ${await r.clone().text()}`).toBe(403);
    }
  });

  it("refuses repointing an open view's source at the restricted file", async () => {
    const r = await apply(tokens.editor, repo({ publicPath: secretFile }));
    expect(r.status).toBe(403);
  });

  it("a source alone over the restricted file may be defined, but nobody without the grant previews it", async () => {
    const src = { name: "copy_src", kind: "parquet", path: path.join(dir, "*", "*.parquet"), timestamp_field: "event_timestamp" };
    expect((await apply(tokens.editor, repo({ sources: [src] }))).status).toBe(200);
    for (const who of ["editor", "consumer"] as const) {
      const r = await sourcePreview(tokens[who], "copy_src");
      const text = await r.text();
      expect(r.status, text).toBe(403);
      expectNoValues(text);
    }
    expect((await sourcePreview(tokens.grantedEditor, "copy_src")).status).toBe(200);
    expect((await sourcePreview(tokens.admin, "vault_src")).status).toBe(200);
  });

  it("lets an editor granted every restricted view on those files do it", async () => {
    const r = await apply(tokens.grantedEditor, repo({ views: [{ name: "peek", entities: ["customer"], source: "vault_src", features: [{ name: "score", dtype: "float64" }] }] }));
    expect(r.status, await r.clone().text()).toBe(200);
    // Back to the admin's definitions (the open view is archived by its admin).
    expect((await apply(tokens.admin, repo(), true)).status).toBe(200);
  });

  it("an editor still changes open views over other files", async () => {
    const r = await apply(tokens.editor, repo({ views: [{ name: "open2", entities: ["customer"], source: "public_src", features: [{ name: "amount", dtype: "float64" }] }] }));
    expect(r.status, await r.clone().text()).toBe(200);
    expect((await apply(tokens.admin, repo(), true)).status).toBe(200);
  });

  it("refuses restoring an archived restricted view without its tag (held before the review)", async () => {
    const without = repo();
    without.feature_views = without.feature_views.filter((v) => v.name !== "vault");
    expect((await apply(tokens.admin, without, true)).status).toBe(200);
    const restored = repo();
    delete (restored.feature_views.find((v) => v.name === "vault") as { tags?: object }).tags;
    const r = await apply(tokens.editor, restored);
    expect(r.status).toBe(403);
    expect((await apply(tokens.admin, repo())).status).toBe(200);
    expect((await db().featureView.findFirstOrThrow({ where: { projectId, name: "vault" } })).restricted).toBe(true);
  });
});

describe("failed jobs of restricted views carry no values", () => {
  const failed: Record<string, string> = {};
  beforeAll(async () => {
    const jobs = await materialize({ projectId, featureViews: RESTRICTED, start: new Date(T0), end: new Date(T0 + DAY), triggeredBy: "red-team" });
    for (const j of jobs) {
      const done = await waitForJob(j.id);
      expect(done.status).toBe("failed");
      const view = await db().featureView.findUniqueOrThrow({ where: { id: done.featureViewId! } });
      failed[view.name] = j.id;
    }
  }, 60_000);

  it.each(RESTRICTED.map((v) => [v]))("%s: the job's error says what failed, without values, to viewers and admins alike", async (view) => {
    for (const who of ["viewer", "consumer", "admin"] as const) {
      const r = await jobDetail(tokens[who], failed[view]);
      const text = await r.text();
      expect(r.status, text).toBe(200);
      expect(((JSON.parse(text) as { error: string | null }).error ?? "").length).toBeGreaterThan(0);
      expectNoValues(text);
    }
    const list = await callRoute("GET", "/api/v1/projects/{project}/jobs", { params: { project }, headers: bearer(tokens.viewer) });
    expectNoValues(await list.text());
    const health = await callRoute("GET", "/api/v1/projects/{project}/health-report", { params: { project }, headers: bearer(tokens.viewer) });
    expect(health.status).toBe(200);
    expectNoValues(await health.text());
  });

  it("still names the failed rule and the cause kind", async () => {
    const byView = async (v: string) => ((await (await jobDetail(tokens.admin, failed[v])).json()) as { error: string }).error;
    expect(await byView("vault")).toMatch(/score: min/);
    expect(await byView("vault_cast")).toMatch(/Conversion Error/);
    expect(await byView("vault_err")).toMatch(/Invalid Input Error/);
  });
});

describe("grants take effect at once", () => {
  it("a grant removed from a member binds the member's next read", async () => {
    const t = await tokenFor(projectId, "consumer", { restrictedGrants: ["vault"] });
    const stats = () => callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/versions/{version}/stats", { params: { project, view: "vault", version: "1" }, headers: bearer(t.token) });
    expect((await stats()).status).toBe(200);
    const m = await db().membership.findFirstOrThrow({ where: { projectId, userId: t.userId } });
    const r = await callRoute("PATCH", "/api/v1/projects/{project}/members/{userId}", {
      params: { project, userId: t.userId },
      headers: bearer(tokens.admin),
      body: { restrictedGrants: [] },
    });
    expect(r.status, await r.clone().text()).toBe(200);
    expect((await db().membership.findUniqueOrThrow({ where: { id: m.id } })).restrictedGrants).toEqual([]);
    expect((await stats()).status).toBe(403);
  });
});

// Keep the file's own data out of other tests.
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});
