// JobLogger.commit on real Postgres: a job's buffered log lines and its status change land in one
// transaction, so whoever sees a job finished (or retrying) also sees its whole log; when the
// transaction fails, neither lands and the lines stay buffered for the next write. A conditional
// status change (commitIfChanged: cancel, the queue's failure) writes its closing line only if it
// changed the job.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "../db/client";
import { JobLogger, markCancelled, recordFailure } from "./job-run";
import { uniqueName } from "../../test/support/jobs";

let projectId: string;

beforeAll(async () => {
  projectId = (await db().project.create({ data: { name: uniqueName("joblog") } })).id;
});

afterAll(async () => {
  await db().project.delete({ where: { id: projectId } });
  await db().$disconnect();
});

const newJob = async () => (await db().job.create({ data: { kind: "materialize", projectId, triggeredBy: "test", status: "running" } })).id;
const messages = async (jobId: string) => (await db().jobLog.findMany({ where: { jobId }, orderBy: { id: "asc" } })).map((l) => l.message);

describe("job log and status in one transaction", () => {
  it("recordFailure writes the failure line with the failed status, after lines already on their way", async () => {
    const jobId = await newJob();
    const logger = new JobLogger(jobId);
    logger.line("read 10 rows");
    void logger.flush(); // a batch in flight when the failure is recorded
    logger.line("attempt 1 of 1 failed at step read_source: gone", "error");
    await recordFailure(jobId, logger, new Error("gone"), "read_source", true);
    // No flush after it: the status and every line are already there.
    expect((await db().job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("failed");
    expect(await messages(jobId)).toEqual(["read 10 rows", "attempt 1 of 1 failed at step read_source: gone"]);
  });

  it("markCancelled and a final line of commit land with the status", async () => {
    const jobId = await newJob();
    expect(await markCancelled(jobId, new JobLogger(jobId), "cancelled on request")).toBe(true);
    expect((await db().job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("cancelled");
    expect(await messages(jobId)).toEqual(["cancelled on request"]);

    const other = await newJob();
    const logger = new JobLogger(other);
    await logger.commit([db().job.update({ where: { id: other }, data: { status: "succeeded" } })], "succeeded: 3 rows");
    expect(await messages(other)).toEqual(["succeeded: 3 rows"]);
  });

  it("a failed transaction writes neither; buffered lines stay for the next write, the final line is dropped", async () => {
    const jobId = await newJob();
    const logger = new JobLogger(jobId);
    logger.line("engine line");
    const missing = db().job.update({ where: { id: "no-such-job" }, data: { status: "succeeded" } });
    await expect(logger.commit([missing], "succeeded")).rejects.toThrow();
    expect(await messages(jobId)).toEqual([]);
    expect((await db().job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("running");
    await recordFailure(jobId, logger, new Error("x"), "commit", true);
    expect(await messages(jobId)).toEqual(["engine line"]);
  });

  it("commitIfChanged writes its line only when the status changed; buffered lines either way", async () => {
    const jobId = await newJob();
    const logger = new JobLogger(jobId);
    logger.line("read 10 rows");
    expect(await markCancelled(jobId, logger, "cancelled on request")).toBe(true);
    expect(await messages(jobId)).toEqual(["read 10 rows", "cancelled on request"]);
    expect((await db().jobLog.findFirstOrThrow({ where: { jobId, message: "cancelled on request" } })).level).toBe("warn");

    // Already finished: a late cancel changes nothing and says nothing, but lines still buffered land.
    const done = await newJob();
    await db().job.update({ where: { id: done }, data: { status: "succeeded" } });
    const late = new JobLogger(done);
    late.line("last engine line");
    expect(await markCancelled(done, late, "cancelled on request")).toBe(false);
    expect((await db().job.findUniqueOrThrow({ where: { id: done } })).status).toBe("succeeded");
    expect(await messages(done)).toEqual(["last engine line"]);
  });

  it("commitIfChanged: when the transaction fails nothing lands and the buffered lines stay", async () => {
    const jobId = await newJob();
    const logger = new JobLogger(jobId);
    logger.line("engine line");
    await expect(
      logger.commitIfChanged(async (tx) => {
        await tx.job.updateMany({ where: { id: jobId }, data: { status: "failed" } });
        throw new Error("boom");
      }, "failed by the queue: x"),
    ).rejects.toThrow("boom");
    expect(await messages(jobId)).toEqual([]);
    expect((await db().job.findUniqueOrThrow({ where: { id: jobId } })).status).toBe("running");
    await logger.flush();
    expect(await messages(jobId)).toEqual(["engine line"]);
  });
});
