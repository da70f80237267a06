// Issue 13 items 3 and 4: restricted values through historical job results, and access decisions
// that went stale. A consumer without a grant must not list or download a historical job that joined
// a restricted view; a view made restricted binds the very next read (online and historical), not one
// 30 s later; only a project admin may change a restriction (metadata edit or apply), and it is audited.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { applyTestRepo, driverRepo, succeededHistoricalJob, tokenFor, uniqueName } from "../../test/support/retrieval";
import { callRoute } from "../../test/fixtures/api";
import { bearer } from "../../test/fixtures/auth";
import { RepoDef } from "../registry/repo-schema";

const project = uniqueName("restrict");
let projectId: string;
let admin: string;
let editor: string;
let consumer: string;
let granted: string;
let jobId: string;

const online = (token: string) =>
  callRoute("POST", "/api/v1/projects/{project}/online-features", {
    params: { project },
    headers: bearer(token),
    body: { features: ["driver_hourly_stats:conv_rate"], entities: { driver_id: [1001] } },
  });
const historical = (token: string) =>
  callRoute("POST", "/api/v1/projects/{project}/historical-features", {
    params: { project },
    headers: bearer(token),
    body: { features: ["driver_hourly_stats:conv_rate"], entity_rows: [{ driver_id: 1001, event_timestamp: "2025-01-01T00:00:00Z" }] },
  });
const patchTags = (token: string, tags: Record<string, string>) =>
  callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", { params: { project, view: "driver_hourly_stats" }, headers: bearer(token), body: { tags } });

beforeAll(async () => {
  projectId = await applyTestRepo(driverRepo(project));
  admin = (await tokenFor(projectId, "admin")).token;
  editor = (await tokenFor(projectId, "editor")).token;
  consumer = (await tokenFor(projectId, "consumer")).token;
  granted = (await tokenFor(projectId, "consumer", { restrictedGrants: ["driver_hourly_stats"] })).token;
  // A succeeded historical job over the view, as run-historical-job.ts leaves it.
  jobId = (await succeededHistoricalJob(projectId, project)).jobId;
});

const listHistorical = async (token: string) => {
  const res = await callRoute("GET", "/api/v1/projects/{project}/jobs", { params: { project }, query: { kind: "historical" }, headers: bearer(token) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: { id: string; result: Record<string, unknown> }[] }).items;
};
const result = (token: string) =>
  callRoute("GET", "/api/v1/projects/{project}/historical-features/jobs/{id}/result", { params: { project, id: jobId }, headers: bearer(token) });
const jobDetail = (token: string) => callRoute("GET", "/api/v1/jobs/{jobId}", { params: { jobId }, headers: bearer(token) });

describe("restriction changes", () => {
  it("an unrestricted view is readable by every consumer; job JSON carries no server path", async () => {
    expect((await online(consumer)).status).toBe(200);
    const items = await listHistorical(consumer);
    expect(items.map((j) => j.id)).toContain(jobId);
    const job = items.find((j) => j.id === jobId)!;
    expect(job.result.path).toBeUndefined();
    expect(job.result.url).toBe(`/api/v1/projects/${project}/historical-features/jobs/${jobId}/result`);
    expect((await result(consumer)).status).toBe(200);
  });

  it("an editor may not make a view restricted; an admin may, and it is audited", async () => {
    const r = await patchTags(editor, { restricted: "true" });
    expect(r.status).toBe(403);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/admin role/);
    expect((await db().featureView.findFirstOrThrow({ where: { projectId, name: "driver_hourly_stats" } })).restricted).toBe(false);
    const ok = await patchTags(admin, { restricted: "true" });
    expect(ok.status).toBe(200);
    const audit = await db().auditLog.findMany({ where: { projectId, action: "feature_view.restriction_change" } });
    expect(audit.map((a) => a.details)).toEqual([{ from: false, to: true }]);
  });

  it("binds the very next online and historical read (no cache delay)", async () => {
    const r = await online(consumer);
    expect(r.status).toBe(403);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/restricted/);
    expect((await historical(consumer)).status).toBe(403);
    expect((await online(granted)).status).toBe(200);
  });

  it("hides the historical job and its result from consumers without a grant", async () => {
    expect((await listHistorical(consumer)).map((j) => j.id)).not.toContain(jobId);
    expect((await jobDetail(consumer)).status).toBe(404);
    const r = await result(consumer);
    expect(r.status).toBe(403);
    expect(await r.text()).not.toContain("PAR1");
    expect((await listHistorical(granted)).map((j) => j.id)).toContain(jobId);
    expect((await result(granted)).status).toBe(200);
    expect((await result(admin)).status).toBe(200);
  });

  it("viewers never see historical jobs", async () => {
    const viewer = (await tokenFor(projectId, "viewer")).token;
    expect((await listHistorical(viewer)).map((j) => j.id)).not.toContain(jobId);
    expect((await jobDetail(viewer)).status).toBe(404);
  });

  it("an editor may not lift the restriction through apply either", async () => {
    const repo = RepoDef.parse(driverRepo(project));
    const r = await callRoute("POST", "/api/v1/projects/{project}/apply", { params: { project }, headers: bearer(editor), body: { repo } });
    expect(r.status).toBe(403);
    expect((await db().featureView.findFirstOrThrow({ where: { projectId, name: "driver_hourly_stats" } })).restricted).toBe(true);
    const plan = await callRoute("POST", "/api/v1/projects/{project}/plan", { params: { project }, headers: bearer(editor), body: { repo } });
    const change = ((await plan.json()) as { changes: { name: string; fields: string[] }[] }).changes.find((c) => c.name === "driver_hourly_stats")!;
    expect(change.fields).toContain("restricted");
    const ok = await callRoute("POST", "/api/v1/projects/{project}/apply", { params: { project }, headers: bearer(admin), body: { repo } });
    expect(ok.status).toBe(200);
    expect((await online(consumer)).status).toBe(200);
    const audit = await db().auditLog.findMany({ where: { projectId, action: "feature_view.restriction_change" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.details)).toEqual([{ from: false, to: true }, { from: true, to: false }]);
  });

  it("a metadata edit reaches search at once", async () => {
    const word = `zebra${Date.now().toString(36)}`;
    const r = await callRoute("PATCH", "/api/v1/projects/{project}/feature-views/{view}", {
      params: { project, view: "driver_hourly_stats" },
      headers: bearer(editor),
      body: { description: `Conversion rate ${word}` },
    });
    expect(r.status).toBe(200);
    const s = await callRoute("GET", "/api/v1/search", { query: { q: word }, headers: bearer(editor) });
    const hits = ((await s.json()) as { items: { name: string }[] }).items;
    expect(hits.map((h) => h.name)).toContain("driver_hourly_stats");
  });
});
