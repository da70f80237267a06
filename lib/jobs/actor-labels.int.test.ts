// Who started a job or applied a version, as people read it: an API token by its name (the stored
// label keeps its id), through the real routes; a job's detail counts its children by status.
import { beforeAll, describe, expect, it } from "vitest";
import { callRoute, json } from "../../test/fixtures/api";
import { addTestMember, bearer, createTestProject, createTestToken, createTestUser } from "../../test/fixtures/auth";
import { createView } from "../../test/fixtures/catalog";
import { db } from "../db/client";

let project: { id: string; name: string };
let token: string;
let tokenId: string;
let email: string;
let parentId: string;

beforeAll(async () => {
  project = await createTestProject("labels");
  const owner = await createTestUser();
  email = owner.email;
  await addTestMember(project.id, owner.id, "admin");
  ({ token, id: tokenId } = await createTestToken(project.id, owner.id, "operator"));
  await db().apiToken.update({ where: { id: tokenId }, data: { name: "nightly-ci" } });
  const view = await createView(project.id, "spend", [{ source: "tx", entities: ["customer"], features: [{ name: "amount", dtype: "float64" }] }]);
  await db().featureViewVersion.updateMany({ where: { featureViewId: view.id }, data: { createdBy: `token:${tokenId} (${email})` } });
  const parent = await db().job.create({ data: { kind: "backfill", projectId: project.id, featureViewId: view.id, version: 1, triggeredBy: `token:${tokenId} (${email})`, status: "running" } });
  parentId = parent.id;
  const day = Date.UTC(2025, 0, 1);
  for (const [i, status] of (["succeeded", "succeeded", "failed", "running", "queued"] as const).entries()) {
    await db().job.create({
      data: {
        kind: "materialize",
        projectId: project.id,
        featureViewId: view.id,
        version: 1,
        parentId,
        status,
        windowStart: new Date(day + i * 86400_000),
        windowEnd: new Date(day + (i + 1) * 86400_000),
        params: { partition: new Date(day + i * 86400_000).toISOString().slice(0, 10) },
        triggeredBy: `backfill:${parentId}`,
      },
    });
  }
  await db().job.create({ data: { kind: "materialize", projectId: project.id, triggeredBy: `token:no-such-token (${email})`, status: "succeeded" } });
});

describe("actor labels", () => {
  it("lists jobs with the token's name beside the stored label", async () => {
    const list = await json<{ items: Array<{ triggeredBy: string; triggeredByLabel: string; kind: string }> }>(
      await callRoute("GET", "/api/v1/projects/{project}/jobs", { params: { project: project.name }, headers: bearer(token) }),
    );
    const backfill = list.items.find((j) => j.kind === "backfill")!;
    expect(backfill.triggeredBy).toBe(`token:${tokenId} (${email})`);
    expect(backfill.triggeredByLabel).toBe(`token “nightly-ci” (${email})`);
    // A token that no longer exists keeps the label as recorded.
    expect(list.items.find((j) => j.kind === "materialize")!.triggeredByLabel).toBe(`token:no-such-token (${email})`);
  });

  it("gives a job's detail its label and its children's counts by status", async () => {
    const detail = await json<{ triggeredByLabel: string; childCounts: Record<string, number>; children: Array<{ triggeredByLabel: string }> }>(
      await callRoute("GET", "/api/v1/jobs/{jobId}", { params: { jobId: parentId }, headers: bearer(token) }),
    );
    expect(detail.triggeredByLabel).toBe(`token “nightly-ci” (${email})`);
    expect(detail.childCounts).toEqual({ queued: 1, running: 1, succeeded: 2, failed: 1, retrying: 0, cancelled: 0 });
    expect(detail.children[0].triggeredByLabel).toBe(`backfill:${parentId}`);
  });

  it("names the token that applied a version", async () => {
    const view = await json<{ versions: Array<{ createdBy: string; createdByLabel: string }> }>(
      await callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}", { params: { project: project.name, view: "spend" }, headers: bearer(token) }),
    );
    expect(view.versions[0].createdBy).toBe(`token:${tokenId} (${email})`);
    expect(view.versions[0].createdByLabel).toBe(`token “nightly-ci” (${email})`);
    const one = await json<{ createdByLabel: string }>(
      await callRoute("GET", "/api/v1/projects/{project}/feature-views/{view}/versions/{version}", { params: { project: project.name, view: "spend", version: "1" }, headers: bearer(token) }),
    );
    expect(one.createdByLabel).toBe(`token “nightly-ci” (${email})`);
  });
});
