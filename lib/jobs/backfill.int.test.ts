// Backfill fan-out through a BullMQ flow: one child per UTC day, run by two worker sets in
// parallel, must give exactly what one window materialization gives; gaps mode, cancel, retry.
import { afterAll, describe, expect, it } from "vitest";
import {
  BASE_DAY,
  DAY_MS,
  createTestProject,
  jobsTestEnv,
  offlinePartitions,
  offlineRows,
  onlineSnapshot,
  removeDir,
  waitForJob,
  type TestProject,
} from "../../test/support/jobs";
import { deleteQueueKeys } from "../../test/support/jobs";
import { INSTANCE_ADMIN } from "../../test/fixtures/auth";

const prefix = jobsTestEnv();

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { startWorkers } = await import("../../workers/register");
const { materialize } = await import("./materialize");
const { backfill } = await import("./backfill");
const { getIntervals } = await import("./get-intervals");
const { requestCancel } = await import("./request-cancel");
const { retryJob } = await import("./retry-job");
const { getJob } = await import("./get-job");

const dirs: string[] = [];
const sets: ReturnType<typeof startWorkers>[] = [];
const track = (p: TestProject) => (dirs.push(p.dir), p);

afterAll(async () => {
  await Promise.all(sets.map((s) => s.close()));
  await closeQueues();
  await deleteQueueKeys(prefix);
  for (const d of dirs) await removeDir(d);
});

describe("backfill", () => {
  it("cancels a backfill whose children are still queued", async () => {
    const p = track(await createTestProject({ days: 3 }));
    const { parent, children } = await backfill({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 3 * DAY_MS), triggeredBy: "test" });
    expect(children).toHaveLength(3);
    const r = await requestCancel(parent.id, p.projectId, "test");
    expect(r.state).toBe("cancelled");
    const rows = await db().job.findMany({ where: { OR: [{ id: parent.id }, { parentId: parent.id }] } });
    expect(rows.map((x) => x.status)).toEqual(["cancelled", "cancelled", "cancelled", "cancelled"]);

    // Retrying the cancelled backfill runs its three partitions again, as a new backfill.
    sets.push(startWorkers({ concurrency: 1, log: () => undefined }), startWorkers({ concurrency: 1, log: () => undefined }));
    const again = await retryJob(parent.id, p.projectId, "test");
    expect(again.kind).toBe("backfill");
    expect(again.params).toMatchObject({ retryOf: parent.id });
    expect((await waitForJob(again.id)).status).toBe("succeeded");
    expect(await db().job.count({ where: { parentId: again.id } })).toBe(3);
  });

  it("fans out per UTC day over two worker sets and equals one window materialization exactly", async () => {
    if (sets.length === 0) sets.push(startWorkers({ concurrency: 1, log: () => undefined }), startWorkers({ concurrency: 1, log: () => undefined }));
    const a = track(await createTestProject({ days: 3 }));
    const b = track(await createTestProject({ days: 3 }));
    const start = new Date(BASE_DAY + 6 * 3600_000); // a partial first day: still one child per date
    const end = new Date(BASE_DAY + 3 * DAY_MS);

    const { parent, children } = await backfill({ projectId: a.projectId, featureViews: ["spend"], start, end, triggeredBy: "test" });
    expect(children.map((c) => (c.params as { partition: string }).partition)).toEqual(["2024-03-01", "2024-03-02", "2024-03-03"]);
    expect(children.every((c) => c.parentId === parent.id && (c.params as { writeOnline: boolean }).writeOnline === false)).toBe(true);
    const done = await waitForJob(parent.id, ["succeeded", "failed", "cancelled"], 60_000);
    expect(done.status).toBe("succeeded");
    expect(done.progress).toBe(1);

    const [single] = await materialize({ projectId: b.projectId, start, end, triggeredBy: "test" });
    expect((await waitForJob(single.id)).status).toBe("succeeded");

    expect(await offlinePartitions(a.project, a.view)).toEqual(await offlinePartitions(b.project, b.view));
    const rowsA = await offlineRows(a.project, a.view);
    expect(rowsA.length).toBe(72);
    expect(rowsA).toEqual(await offlineRows(b.project, b.view));
    expect(await onlineSnapshot(a.project)).toEqual(await onlineSnapshot(b.project));

    const detail = await getJob(parent.id, INSTANCE_ADMIN);
    expect(detail.children).toHaveLength(3);
    expect(detail.children.every((c) => c.status === "succeeded")).toBe(true);
    expect(detail.rowsWrittenOffline).toBe(72);
    expect(detail.rowsWrittenOnline).toBeGreaterThan(0);
    expect(detail.logs.at(-1)!.message).toMatch(/succeeded: 3 partitions/);

    const iv = await getIntervals({ projectId: a.projectId, viewName: a.view, start: new Date(BASE_DAY), end });
    expect(iv.intervals).toEqual([{ start: start.toISOString(), end: end.toISOString() }]);
    expect(iv.gaps).toEqual([{ start: new Date(BASE_DAY).toISOString(), end: start.toISOString() }]);
  });

  it("backfills only the gaps", async () => {
    if (sets.length === 0) sets.push(startWorkers({ concurrency: 1, log: () => undefined }));
    const p = track(await createTestProject({ days: 3 }));
    const [mid] = await materialize({ projectId: p.projectId, start: new Date(BASE_DAY + DAY_MS), end: new Date(BASE_DAY + 2 * DAY_MS), triggeredBy: "test" });
    await waitForJob(mid.id);
    const { parent, children } = await backfill({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 3 * DAY_MS), gaps: true, triggeredBy: "test" });
    expect(children.map((c) => (c.params as { partition: string }).partition)).toEqual(["2024-03-01", "2024-03-03"]);
    expect((await waitForJob(parent.id)).status).toBe("succeeded");
    const iv = await getIntervals({ projectId: p.projectId, viewName: p.view, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 3 * DAY_MS) });
    expect(iv.gaps).toEqual([]);
    await expect(backfill({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 3 * DAY_MS), gaps: true, triggeredBy: "test" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("a failing partition fails the backfill, naming it; retry reruns only the failed partitions", async () => {
    if (sets.length === 0) sets.push(startWorkers({ concurrency: 1, log: () => undefined }));
    const p = track(await createTestProject({ days: 2 }));
    const saved = `${p.sourceFile}.saved`;
    const fs = await import("node:fs/promises");
    await fs.rename(p.sourceFile, saved);
    const { parent } = await backfill({ projectId: p.projectId, start: new Date(BASE_DAY), end: new Date(BASE_DAY + 2 * DAY_MS), triggeredBy: "test" });
    const failed = await waitForJob(parent.id, ["succeeded", "failed", "cancelled"], 60_000);
    expect(failed.status).toBe("failed");
    expect(failed.errorStep).toBe("partitions");
    expect(failed.error).toMatch(/2 of 2 partitions did not succeed; first: spend 2024-03-01 \(failed at step read_source\)/);

    await fs.rename(saved, p.sourceFile);
    const again = await retryJob(parent.id, p.projectId, "test");
    expect((await waitForJob(again.id)).status).toBe("succeeded");
    expect(await db().job.count({ where: { parentId: again.id } })).toBe(2);
    // The last child also writes the end's day (the end is a midnight: rows exactly at it are offline).
    expect(await offlinePartitions(p.project, p.view)).toEqual(["date=2024-03-01", "date=2024-03-02", "date=2024-03-03"]);
  });
});
