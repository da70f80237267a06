// reconcileStuckJobs on real Postgres and BullMQ: a job row left `running` whose queue job BullMQ
// failed without our processor (here: a worker whose processor throws, standing in for the stalled
// check) is marked failed with the queue's reason, and the log line that says so lands with the
// status; a second pass, or a row that finished meanwhile, changes and logs nothing.
import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { deleteQueueKeys, jobsTestEnv, uniqueName } from "../../test/support/jobs";

const prefix = jobsTestEnv({ JOB_ATTEMPTS: "1" });

const { db } = await import("../db/client");
const { closeQueues, queue, QUEUES } = await import("../queues/contracts");
const { createRedis } = await import("../redis/connection");
const { reconcileStuckJobs } = await import("./reconcile-jobs");

const connection = createRedis("queue", { maxRetriesPerRequest: null });
let projectId: string | undefined;

afterAll(async () => {
  if (projectId) await db().project.delete({ where: { id: projectId } });
  await closeQueues();
  connection.disconnect();
  await deleteQueueKeys(prefix);
});

/** A BullMQ job on the materialize queue that a worker failed with `reason` (one attempt). */
async function failedQueueJob(reason: string): Promise<string> {
  const q = queue(QUEUES.materialize);
  const worker = new Worker(
    QUEUES.materialize,
    async () => {
      throw new Error(reason);
    },
    { connection, prefix, autorun: false },
  );
  const failed = new Promise<void>((resolve) => worker.on("failed", () => resolve()));
  const job = await q.add("materialize-window", { jobId: uniqueName("row") }, { attempts: 1 });
  void worker.run();
  await failed;
  await worker.close();
  expect(await job.getState()).toBe("failed");
  return job.id!;
}

const logOf = async (jobId: string) => (await db().jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" } })).map((l) => [l.level, l.message]);

describe("reconcileStuckJobs", () => {
  it("fails a row the queue failed, with its reason in the log, exactly once", { timeout: 30_000 }, async () => {
    projectId = (await db().project.create({ data: { name: uniqueName("reconcile") } })).id;
    const stuckQueueId = await failedQueueJob("the worker died twice");
    const stuck = await db().job.create({ data: { kind: "materialize", projectId, triggeredBy: "test", status: "running", queueJobId: stuckQueueId } });
    // Finished by its processor after the queue failed it: not touched.
    const doneQueueId = await failedQueueJob("late");
    const done = await db().job.create({ data: { kind: "materialize", projectId, triggeredBy: "test", status: "succeeded", queueJobId: doneQueueId } });

    const fixed = await reconcileStuckJobs(0);
    expect(fixed).toContain(stuck.id);
    expect(fixed).not.toContain(done.id);
    const row = await db().job.findUniqueOrThrow({ where: { id: stuck.id } });
    expect(row.status).toBe("failed");
    expect(row.error).toBe("the worker died twice");
    expect(row.finishedAt).not.toBeNull();
    expect(await logOf(stuck.id)).toEqual([["error", "failed by the queue: the worker died twice"]]);
    expect((await db().job.findUniqueOrThrow({ where: { id: done.id } })).status).toBe("succeeded");
    expect(await logOf(done.id)).toEqual([]);

    // A second pass finds nothing left to do and writes no second line.
    expect(await reconcileStuckJobs(0)).not.toContain(stuck.id);
    expect(await logOf(stuck.id)).toHaveLength(1);
  });
});
