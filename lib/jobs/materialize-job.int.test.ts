// A materialize job end to end through BullMQ and the real engine: lifecycle, counters, log lines,
// intervals and gaps, incremental windows, retries with backoff, and cancel (queued and running).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobsTestEnv, BASE_DAY, DAY_MS, SLOW_TRANSFORM, createTestProject, offlinePartitions, waitFor, waitForJob, removeDir, type TestProject } from "../../test/support/jobs";
import { deleteQueueKeys } from "../../test/support/jobs";

const prefix = jobsTestEnv();

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { materialize } = await import("./materialize");
const { materializeIncremental } = await import("./materialize-incremental");
const { getIntervals } = await import("./get-intervals");
const { requestCancel } = await import("./request-cancel");
const { retryJob } = await import("./retry-job");

let p: TestProject;
let workers: ReturnType<typeof startWorkers> | undefined;
/** Workers start after the queued-cancel case (which needs a queue nobody consumes). */
const ensureWorkers = () => (workers ??= startWorkers({ concurrency: 2, log: () => undefined }));

beforeAll(async () => {
  p = await createTestProject({ days: 3 });
});

afterAll(async () => {
  await workers?.close();
  await closeQueues();
  await deleteQueueKeys(prefix);
  await removeDir(p.dir);
});

describe("materialize job", () => {
  it("a queued job can be cancelled before any worker runs it", async () => {
    const [job] = await materialize({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + DAY_MS), triggeredBy: "test" });
    expect(job.status).toBe("queued");
    expect(job.queueJobId).toBe(job.id);
    const r = await requestCancel(job.id, p.projectId, "test");
    expect(r.state).toBe("cancelled");
    const row = await db().job.findUniqueOrThrow({ where: { id: job.id } });
    expect(row).toMatchObject({ status: "cancelled", cancelRequested: true, attempts: 0 });
    await expect(requestCancel(job.id, p.projectId, "test")).rejects.toMatchObject({ code: "conflict" });
    expect(await db().materializedInterval.count({ where: { jobId: job.id } })).toBe(0);
  });

  it("runs a window: status, attempts, timings, counters, log lines and an interval", async () => {
    ensureWorkers();
    const start = new Date(BASE_DAY);
    const end = new Date(BASE_DAY + 2 * DAY_MS);
    const [job] = await materialize({ projectId: p.projectId, featureViews: [p.view], start, end, triggeredBy: "test" });
    const row = await waitForJob(job.id);
    expect(row.status).toBe("succeeded");
    expect(row.attempts).toBe(1);
    expect(row.progress).toBe(1);
    expect(Number(row.rowsRead)).toBeGreaterThan(0);
    // Two days, and the end's day too (the end is a midnight: rows exactly at it go offline), whole.
    expect(Number(row.rowsWrittenOffline)).toBe(72);
    expect(Number(row.rowsWrittenOnline)).toBeGreaterThan(0);
    expect(row.startedAt).toBeTruthy();
    expect(row.finishedAt!.getTime()).toBeGreaterThanOrEqual(row.startedAt!.getTime());
    expect(row.result).toMatchObject({ partitions: expect.arrayContaining([expect.stringContaining("2024-03-01")]) });
    const logs = await db().jobLog.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(logs[0].message).toMatch(/attempt 1 of 3 started/);
    expect(logs.at(-1)!.message).toMatch(/succeeded/);

    const iv = await getIntervals({ projectId: p.projectId, viewName: p.view, start: new Date(BASE_DAY - DAY_MS), end: new Date(BASE_DAY + 3 * DAY_MS) });
    expect(iv.intervals).toEqual([{ start: start.toISOString(), end: end.toISOString() }]);
    expect(iv.gaps).toEqual([
      { start: new Date(BASE_DAY - DAY_MS).toISOString(), end: start.toISOString() },
      { start: end.toISOString(), end: new Date(BASE_DAY + 3 * DAY_MS).toISOString() },
    ]);
    expect(iv.lastMaterializedEnd).toBe(end.toISOString());
  });

  it("materialize-incremental continues from the last materialized end", async () => {
    ensureWorkers();
    const now = new Date(BASE_DAY + 3 * DAY_MS);
    const r = await materializeIncremental({ projectId: p.projectId, triggeredBy: "test", now });
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0].windowStart!.toISOString()).toBe(new Date(BASE_DAY + 2 * DAY_MS).toISOString());
    expect(r.jobs[0].windowEnd!.toISOString()).toBe(now.toISOString());
    expect((await waitForJob(r.jobs[0].id)).status).toBe("succeeded");
    const again = await materializeIncremental({ projectId: p.projectId, triggeredBy: "test", now });
    expect(again.jobs).toHaveLength(0);
    expect(again.skipped[0].reason).toMatch(/already materialized/);
    const iv = await getIntervals({ projectId: p.projectId, viewName: p.view, start: new Date(BASE_DAY), end: now });
    expect(iv.intervals).toEqual([{ start: new Date(BASE_DAY).toISOString(), end: now.toISOString() }]);
    expect(iv.gaps).toEqual([]);
  });

  it("rejects bad windows and unknown views with clear 400s", async () => {
    await expect(materialize({ projectId: p.projectId, start: new Date(BASE_DAY + 1), end: new Date(BASE_DAY), triggeredBy: "t" })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(materialize({ projectId: p.projectId, featureViews: ["nope"], start: new Date(BASE_DAY), end: new Date(BASE_DAY + 1), triggeredBy: "t" })).rejects.toThrow(
      /Unknown feature view "nope".*spend/,
    );
  });

  it("retries a job with backoff and fails it after the last attempt; a retry is a new job", async () => {
    ensureWorkers();
    const bad = await createTestProject({ days: 1 });
    await removeDir(bad.dir); // the source file is gone
    const [job] = await materialize({ projectId: bad.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + DAY_MS), triggeredBy: "test" });
    const row = await waitForJob(job.id, ["failed"]);
    expect(row.attempts).toBe(3);
    expect(row.errorStep).toBe("read_source");
    expect(row.error).toMatch(/spend/);
    const logs = await db().jobLog.findMany({ where: { jobId: job.id, level: "error" }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message)).toEqual([
      expect.stringMatching(/attempt 1 of 3 failed at step read_source.*will retry/),
      expect.stringMatching(/attempt 2 of 3 failed.*will retry/),
      expect.stringMatching(/attempt 3 of 3 failed/),
    ]);
    expect(await db().materializedInterval.count({ where: { jobId: job.id } })).toBe(0);

    const again = await retryJob(job.id, bad.projectId, "test");
    expect(again.id).not.toBe(job.id);
    expect(again.params).toMatchObject({ retryOf: job.id });
    expect((await waitForJob(again.id)).status).toBe("failed");
  });

  it("cancels a running job between batches and writes nothing", async () => {
    ensureWorkers();
    const slow = await createTestProject({ days: 2, transform: SLOW_TRANSFORM });
    const [job] = await materialize({ projectId: slow.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 2 * DAY_MS), triggeredBy: "test" });
    // The engine has read the source and is now in the (slow) transform.
    await waitFor("the source read", async () => (await db().jobLog.count({ where: { jobId: job.id, message: { startsWith: "read " } } })) > 0);
    const r = await requestCancel(job.id, slow.projectId, "test");
    expect(r.state).toBe("cancelling");
    const row = await waitForJob(job.id);
    expect(row.status).toBe("cancelled");
    expect(row.attempts).toBe(1);
    expect(await db().materializedInterval.count({ where: { jobId: job.id } })).toBe(0);
    expect(await offlinePartitions(slow.project, slow.view)).toEqual([]);
    const logs = await db().jobLog.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(logs.map((l) => l.message).join("\n")).toMatch(/cancel requested by test[\s\S]*cancelled while running/);
    await removeDir(slow.dir);
  });
});
