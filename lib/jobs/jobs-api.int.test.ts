// The jobs API through the real route handlers with real tokens: create, list, get, cancel, retry,
// intervals; project-scoped and un-scoped paths; bad input → 400 problem+json that says what to fix.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, bearer, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { BASE_DAY, DAY_MS, createTestProject, deleteQueueKeys, jobsTestEnv, removeDir, waitForJob, type TestProject } from "../../test/support/jobs";

const prefix = jobsTestEnv();
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");

let p: TestProject;
let other: TestProject;
const tok: Record<string, string> = {};
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  p = await createTestProject({ days: 2 });
  other = await createTestProject({ days: 1 });
  const owner = await createTestUser();
  await addTestMember(p.projectId, owner.id, "admin");
  for (const role of ["viewer", "operator"] as const) tok[role] = (await createTestToken(p.projectId, owner.id, role)).token;
  const outsider = await createTestUser();
  await addTestMember(other.projectId, outsider.id, "admin");
  tok.outsider = (await createTestToken(other.projectId, outsider.id, "admin")).token;
});

afterAll(async () => {
  await closeQueues();
  await deleteQueueKeys(prefix);
  await removeDir(p.dir);
  await removeDir(other.dir);
});

const P = "/api/v1/projects/{project}";

describe("jobs API", () => {
  it("rejects bad windows and unknown views with 400 problem+json naming the field", async () => {
    const bad = async (body: unknown) => {
      const res = await callRoute("POST", `${P}/materialize`, { params: { project: p.project }, headers: bearer(tok.operator), body });
      expect(res.status).toBe(400);
      expect(res.headers.get("content-type")).toMatch(/problem\+json/);
      return json<{ detail: string; invalid_params?: { name: string; reason: string }[] }>(res);
    };
    expect((await bad({ start: "2024-03-01T00:00:00", end: "2024-03-02T00:00:00Z" })).invalid_params?.[0]).toMatchObject({ name: "start", reason: expect.stringMatching(/time zone/) });
    expect((await bad({ start: "2024-03-02T00:00:00Z", end: "2024-03-01T00:00:00Z" })).invalid_params?.[0]).toMatchObject({ name: "start", reason: "start must be before end" });
    expect((await bad({ start: iso(BASE_DAY), end: iso(BASE_DAY + DAY_MS), featureViews: ["nope"] })).detail).toMatch(/Unknown feature view "nope"/);
    expect((await bad({ start: iso(BASE_DAY), end: iso(BASE_DAY + DAY_MS), extra: 1 })).detail).toMatch(/"extra"/);
    const backfillBad = await callRoute("POST", `${P}/backfill`, { params: { project: p.project }, headers: bearer(tok.operator), body: { start: iso(BASE_DAY), end: iso(BASE_DAY), gaps: "yes" } });
    expect(backfillBad.status).toBe(400);
  });

  it("creates, lists, gets and cancels jobs; the un-scoped paths authorize on the job's project", async () => {
    const res = await callRoute("POST", `${P}/materialize`, {
      params: { project: p.project },
      headers: bearer(tok.operator),
      body: { featureViews: ["spend"], start: "2024-03-01T02:00:00+02:00", end: iso(BASE_DAY + DAY_MS) },
    });
    expect(res.status).toBe(202);
    const { jobs } = await json<{ jobs: Record<string, unknown>[] }>(res);
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    expect(job).toMatchObject({
      kind: "materialize",
      project: p.project,
      featureView: "spend",
      version: 1,
      windowStart: iso(BASE_DAY),
      status: "queued",
      rowsRead: 0,
      attempts: 0,
      maxAttempts: 3,
      triggeredBy: expect.stringContaining("token:"),
      parentId: null,
    });

    const list = await json<{ items: { id: string }[]; total: number }>(
      await callRoute("GET", `${P}/jobs`, { params: { project: p.project }, headers: bearer(tok.viewer), query: { status: "queued,running", kind: "materialize", featureView: "spend" } }),
    );
    expect(list.items.map((j) => j.id)).toContain(job.id);
    const none = await json<{ total: number }>(await callRoute("GET", `${P}/jobs`, { params: { project: p.project }, headers: bearer(tok.viewer), query: { status: "failed" } }));
    expect(none.total).toBe(0);
    const badStatus = await callRoute("GET", `${P}/jobs`, { params: { project: p.project }, headers: bearer(tok.viewer), query: { status: "done" } });
    expect(badStatus.status).toBe(400);

    // Un-scoped: the outsider sees nothing of this project, and its job is a 404 to them.
    const mine = await json<{ items: { project: string }[] }>(await callRoute("GET", "/api/v1/jobs", { headers: bearer(tok.viewer) }));
    expect(mine.items.every((j) => j.project === p.project)).toBe(true);
    const theirs = await json<{ items: { project: string }[] }>(await callRoute("GET", "/api/v1/jobs", { headers: bearer(tok.outsider) }));
    expect(theirs.items.some((j) => j.project === p.project)).toBe(false);
    expect((await callRoute("GET", "/api/v1/jobs", { headers: bearer(tok.outsider), query: { project: p.project } })).status).toBe(404);
    expect((await callRoute("GET", "/api/v1/jobs/{jobId}", { params: { jobId: String(job.id) }, headers: bearer(tok.outsider) })).status).toBe(404);
    const got = await callRoute("GET", "/api/v1/jobs/{jobId}", { params: { jobId: String(job.id) }, headers: bearer(tok.viewer) });
    expect(got.status).toBe(200);
    expect(await json(got)).toMatchObject({ id: job.id, logs: [], children: [] });

    // A viewer may read but not cancel; an operator cancels (the job is still queued: no workers).
    expect((await callRoute("POST", "/api/v1/jobs/{jobId}/cancel", { params: { jobId: String(job.id) }, headers: bearer(tok.viewer) })).status).toBe(403);
    const cancelled = await callRoute("POST", "/api/v1/jobs/{jobId}/cancel", { params: { jobId: String(job.id) }, headers: bearer(tok.operator) });
    expect(cancelled.status).toBe(202);
    expect(await json(cancelled)).toMatchObject({ state: "cancelled", job: { status: "cancelled", cancelRequested: true } });
    const again = await callRoute("POST", `${P}/jobs/{jobId}/cancel`, { params: { project: p.project, jobId: String(job.id) }, headers: bearer(tok.operator) });
    expect(again.status).toBe(409);

    // Retry (un-scoped) makes a new job that points back at the cancelled one.
    const retried = await callRoute("POST", "/api/v1/jobs/{jobId}/retry", { params: { jobId: String(job.id) }, headers: bearer(tok.operator) });
    expect(retried.status).toBe(202);
    const r = await json<{ job: { id: string; retryOf: string; status: string } }>(retried);
    expect(r.job).toMatchObject({ retryOf: job.id, status: "queued" });
    // The job belongs to this project: the other project's path does not find it.
    const wrongProject = await callRoute("GET", `${P}/jobs/{jobId}`, { params: { project: other.project, jobId: r.job.id }, headers: bearer(tok.outsider) });
    expect(wrongProject.status).toBe(404);
  });

  it("backfill and intervals over HTTP", async () => {
    const workers = startWorkers({ concurrency: 2, log: () => undefined });
    try {
      const res = await callRoute("POST", `${P}/backfill`, { params: { project: p.project }, headers: bearer(tok.operator), body: { start: iso(BASE_DAY), end: iso(BASE_DAY + 2 * DAY_MS) } });
      expect(res.status).toBe(202);
      const { job } = await json<{ job: { id: string; kind: string; childCount: number } }>(res);
      expect(job).toMatchObject({ kind: "backfill", childCount: 2 });
      expect((await waitForJob(job.id)).status).toBe("succeeded");
      const detail = await json<{ children: { status: string }[]; progress: number; rowsWrittenOffline: number }>(
        await callRoute("GET", `${P}/jobs/{jobId}`, { params: { project: p.project, jobId: job.id }, headers: bearer(tok.viewer) }),
      );
      expect(detail.children.map((c) => c.status)).toEqual(["succeeded", "succeeded"]);
      expect(detail).toMatchObject({ progress: 1, rowsWrittenOffline: 48 });

      const iv = await callRoute("GET", `${P}/feature-views/{view}/intervals`, {
        params: { project: p.project, view: "spend" },
        headers: bearer(tok.viewer),
        query: { start: iso(BASE_DAY), end: iso(BASE_DAY + 3 * DAY_MS) },
      });
      expect(iv.status).toBe(200);
      expect(await json(iv)).toMatchObject({
        featureView: "spend",
        version: 1,
        intervals: [{ start: iso(BASE_DAY), end: iso(BASE_DAY + 2 * DAY_MS) }],
        gaps: [{ start: iso(BASE_DAY + 2 * DAY_MS), end: iso(BASE_DAY + 3 * DAY_MS) }],
      });
      const missing = await callRoute("GET", `${P}/feature-views/{view}/intervals`, { params: { project: p.project, view: "spend" }, headers: bearer(tok.viewer), query: { version: "9" } });
      expect(missing.status).toBe(404);
      expect((await json<{ detail: string }>(missing)).detail).toMatch(/no version 9; the latest is 1/);
    } finally {
      await workers.close();
    }
  });
});
