// Cron schedules follow the registry: apply (through its after-change step) creates, changes and
// removes the view's BullMQ job scheduler; a tick creates a materialize-incremental job.
import { afterAll, describe, expect, it } from "vitest";
import { applyTestRepo, deleteQueueKeys, jobsTestEnv, removeDir, createTestProject, testRepo, waitFor, type TestProject } from "../../test/support/jobs";

const prefix = jobsTestEnv();

const { db } = await import("../db/client");
const { QUEUES, closeQueues, queue, scheduleId } = await import("../queues/contracts");
const { syncSchedules } = await import("../registry/sync-schedules");
const { startWorkers } = await import("../../workers/register");

let p: TestProject;
const schedulerOf = async (id: string) => queue(QUEUES.schedules).getJobScheduler(id);

afterAll(async () => {
  await closeQueues();
  await deleteQueueKeys(prefix);
  if (p) await removeDir(p.dir);
});

describe("schedules", () => {
  it("apply creates, updates and removes the view's scheduler", async () => {
    p = await createTestProject({ days: 1, schedule: "0 * * * *" });
    const id = scheduleId(p.project, p.view);
    expect(await schedulerOf(id)).toMatchObject({ key: id, pattern: "0 * * * *", tz: "UTC" });

    await applyTestRepo(testRepo(p.project, p.view, p.sourceFile, { schedule: "*/15 * * * *" }));
    expect(await schedulerOf(id)).toMatchObject({ pattern: "*/15 * * * *" });
    // Reconciling again changes nothing.
    expect(await syncSchedules({ projectName: p.project })).toMatchObject({ upserted: [], removed: [], unchanged: [id] });

    await applyTestRepo(testRepo(p.project, p.view, p.sourceFile));
    expect(await schedulerOf(id)).toBeUndefined();

    // A scheduler whose view is gone is removed by a full sync as well.
    await queue(QUEUES.schedules).upsertJobScheduler(scheduleId(p.project, "gone"), { pattern: "0 0 * * *", tz: "UTC" }, { name: "materialize-incremental", data: { projectName: p.project, viewName: "gone" } });
    const r = await syncSchedules();
    expect(r.removed).toContain(scheduleId(p.project, "gone"));
  });

  it("a tick creates a materialize-incremental job for the view", async () => {
    await applyTestRepo(testRepo(p.project, p.view, p.sourceFile, { schedule: "* * * * * *" })); // every second
    const workers = startWorkers({ queues: ["schedules"], log: () => undefined });
    try {
      const view = await db().featureView.findUniqueOrThrow({ where: { projectId_name: { projectId: p.projectId, name: p.view } } });
      const job = await waitFor("a scheduled job", () => db().job.findFirst({ where: { featureViewId: view.id, kind: "materialize_incremental" } }), 15_000);
      expect(job.triggeredBy).toBe(`schedule:${p.view}`);
      expect(job.status).toBe("queued"); // no materialize worker in this test
      // While it waits, further ticks add nothing.
      await new Promise((r) => setTimeout(r, 2200));
      expect(await db().job.count({ where: { featureViewId: view.id, kind: "materialize_incremental" } })).toBe(1);
    } finally {
      await applyTestRepo(testRepo(p.project, p.view, p.sourceFile));
      await workers.close();
    }
    expect(await schedulerOf(scheduleId(p.project, p.view))).toBeUndefined();
  });
});
