// Redis down when a job is created: the row exists, is marked failed at step "enqueue", and the
// caller gets a 503 with Retry-After quickly (no request hangs on a dead queue).
import { afterAll, describe, expect, it } from "vitest";
import { BASE_DAY, DAY_MS, createTestProject, jobsTestEnv, removeDir, type TestProject } from "../../test/support/jobs";

jobsTestEnv();
const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { resetEnvForTests } = await import("../config/env");
const { materialize } = await import("./materialize");

let p: TestProject | undefined;
afterAll(async () => {
  await closeQueues();
  if (p) await removeDir(p.dir);
});

describe("enqueue failure", () => {
  it("marks the row failed at step enqueue and answers 503", async () => {
    p = await createTestProject({ days: 1 });
    await closeQueues();
    process.env.REDIS_URL = "redis://127.0.0.1:3599"; // nothing listens here
    resetEnvForTests();
    const t0 = Date.now();
    const err = await materialize({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + DAY_MS), triggeredBy: "test" }).catch((e) => e);
    expect(Date.now() - t0).toBeLessThan(15_000);
    // A 503 that tells the caller when to retry, like every other store outage.
    expect(err).toMatchObject({ code: "unavailable", details: { retryAfter: 5 } });
    expect(err.message).toMatch(/Could not queue the job/);
    const row = await db().job.findFirstOrThrow({ where: { projectId: p.projectId }, orderBy: { createdAt: "desc" } });
    expect(row).toMatchObject({ status: "failed", errorStep: "enqueue" });
  });
});
