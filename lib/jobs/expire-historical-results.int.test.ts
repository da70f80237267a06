// Retention of historical-job files (expire-historical-results.ts): expired results are deleted and
// answer 410, fresh ones stay, files of unfinished jobs are never touched, leftovers and old orphans
// go, a second (or concurrent) run is harmless, and a worker registers the hourly scheduler. Job rows
// and files are written directly with finishedAt and mtimes in the past: no sleeping, no DuckDB.
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteQueueKeys, jobsTestEnv, waitFor } from "../../test/support/jobs";

// This file's own offline store: the cleanup scans the whole store, other files' jobs stay out of it.
const store = await fs.mkdtemp(path.join(os.tmpdir(), "larder-expire-test-"));
const queuePrefix = jobsTestEnv({ OFFLINE_STORE_URI: store });
const { GET: resultRoute } = await import("@/app/api/v1/projects/[project]/historical-features/jobs/[id]/result/route");
const { GET: jobRoute } = await import("@/app/api/v1/jobs/[jobId]/route");
const { db } = await import("../db/client");
const { tokenFor, uniqueName } = await import("../../test/support/retrieval");
const { expireHistoricalResults } = await import("./expire-historical-results");
const { historicalEntitiesPath, historicalResultPath } = await import("../shared/offline-layout");
const { startWorkers } = await import("../../workers/register");
const { JOB_NAMES, MAINTENANCE_PATTERN, MAINTENANCE_SCHEDULER_ID, QUEUES, closeQueues, queue } = await import("../queues/contracts");

const HOUR = 3_600_000;
const TTL_HOURS = 168; // the default of HISTORICAL_RESULT_TTL_HOURS
const hoursAgo = (h: number) => new Date(Date.now() - h * HOUR);

const project = uniqueName("expire");
let projectId: string;
let consumer: string;
let workers: ReturnType<typeof startWorkers> | undefined;

beforeAll(async () => {
  projectId = (await db().project.create({ data: { name: project } })).id;
  consumer = (await tokenFor(projectId, "consumer")).token;
});

afterAll(async () => {
  await workers?.close(true);
  await closeQueues();
  await deleteQueueKeys(queuePrefix);
  await fs.rm(store, { recursive: true, force: true });
});

async function writeFile(file: string, mtime?: Date): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, "PAR1 test PAR1");
  if (mtime) await fs.utimes(file, mtime, mtime);
  return file;
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);

/** A historical Job row as run-historical-job.ts leaves it, with its result file when succeeded. */
async function historicalJob(status: "queued" | "running" | "succeeded" | "failed", finishedAt: Date | null): Promise<string> {
  const job = await db().job.create({
    data: { kind: "historical", projectId, status, maxAttempts: 1, triggeredBy: "test", startedAt: status === "queued" ? null : hoursAgo(300), finishedAt },
  });
  if (status === "succeeded") {
    const file = await writeFile(historicalResultPath(project, job.id), finishedAt ?? undefined);
    await db().job.update({ where: { id: job.id }, data: { result: { path: file, rows: 1 } } });
  }
  return job.id;
}

const download = (id: string) =>
  resultRoute(new Request(`http://localhost/api/v1/projects/${project}/historical-features/jobs/${id}/result`, { headers: { authorization: `Bearer ${consumer}` } }), {
    params: Promise.resolve({ project, id }),
  });

const getJob = async (id: string) => {
  const res = await jobRoute(new Request(`http://localhost/api/v1/jobs/${id}`, { headers: { authorization: `Bearer ${consumer}` } }), { params: Promise.resolve({ jobId: id }) });
  expect(res.status).toBe(200);
  return (await res.json()) as { result: { expiredAt?: string; ttlHours?: number; rows?: number } | null; logs: { message: string }[] };
};

describe("historical result retention", () => {
  it("deletes an expired result (download → 410 problem+json, GET shows expiredAt) and keeps a fresh one", async () => {
    const old = await historicalJob("succeeded", hoursAgo(TTL_HOURS + 1));
    const fresh = await historicalJob("succeeded", hoursAgo(TTL_HOURS - 1));
    expect((await download(old)).status).toBe(200);

    const report = await expireHistoricalResults();
    expect(report.errors).toEqual([]);
    expect(report.expired).toContain(old);
    expect(report.expired).not.toContain(fresh);
    expect(await exists(historicalResultPath(project, old))).toBe(false);
    expect(await exists(historicalResultPath(project, fresh))).toBe(true);

    const res = await download(old);
    expect(res.status).toBe(410);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const problem = (await res.json()) as { status: number; code: string; title: string; detail: string };
    expect(problem).toMatchObject({ status: 410, code: "gone", title: "Gone" });
    expect(problem.detail).toMatch(/expired after 168 hours/);
    expect(problem.detail).toMatch(/request again/);
    expect((await download(fresh)).status).toBe(200);

    const job = await getJob(old);
    expect(job.result).toMatchObject({ rows: 1, ttlHours: TTL_HOURS });
    expect(Date.parse(job.result!.expiredAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(job.logs.filter((l) => /expired after 168 hours/.test(l.message))).toHaveLength(1);
    expect((await getJob(fresh)).result?.expiredAt).toBeUndefined();
  });

  it("the OpenAPI document lists the 410 of the download", async () => {
    const { buildOpenApiDocument } = await import("../api/openapi");
    const paths = buildOpenApiDocument().paths as Record<string, { get: { responses: Record<string, unknown> } }>;
    expect(Object.keys(paths["/api/v1/projects/{project}/historical-features/jobs/{id}/result"].get.responses)).toEqual(expect.arrayContaining(["200", "404", "409", "410"]));
  });

  it("a result deleted before its row was marked is 410 too", async () => {
    const id = await historicalJob("succeeded", hoursAgo(TTL_HOURS + 2));
    await fs.rm(historicalResultPath(project, id));
    const res = await download(id);
    expect(res.status).toBe(410);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/expired after 168 hours/);
  });

  it("never touches files of queued or running jobs; removes leftovers of finished ones", async () => {
    const long = hoursAgo(TTL_HOURS * 3);
    const running = await historicalJob("running", null);
    const queued = await historicalJob("queued", null);
    const failed = await historicalJob("failed", hoursAgo(1));
    const keep = [
      await writeFile(historicalEntitiesPath(project, running), long),
      await writeFile(`${historicalResultPath(project, running)}.tmp`, long),
      await writeFile(historicalEntitiesPath(project, queued), long),
    ];
    const leftovers = [
      await writeFile(historicalEntitiesPath(project, failed)),
      await writeFile(`${historicalResultPath(project, failed)}.tmp`),
      // A job that succeeded moments ago: its result stays, its entity table (a killed run's) goes.
      await writeFile(historicalEntitiesPath(project, await historicalJob("succeeded", new Date()))),
    ];
    const report = await expireHistoricalResults();
    expect(report.errors).toEqual([]);
    for (const f of keep) expect(await exists(f), f).toBe(true);
    for (const f of leftovers) expect(await exists(f), f).toBe(false);
    expect(report.removed).toEqual(expect.arrayContaining(leftovers));
  });

  it("removes orphan files older than the TTL and keeps fresh ones", async () => {
    const id = () => `c${randomBytes(12).toString("hex")}`;
    const oldOrphan = await writeFile(historicalResultPath(project, id()), hoursAgo(TTL_HOURS + 1));
    const oldEntities = await writeFile(historicalEntitiesPath(project, id()), hoursAgo(TTL_HOURS + 1));
    // A project that no longer exists at all.
    const ghost = await writeFile(historicalResultPath(uniqueName("ghost"), id()), hoursAgo(TTL_HOURS * 2));
    const fresh = await writeFile(historicalResultPath(project, id()), hoursAgo(TTL_HOURS - 1));
    const stranger = await writeFile(path.join(store, project, "_historical", "README.txt"), hoursAgo(TTL_HOURS * 2));
    const report = await expireHistoricalResults();
    expect(report.errors).toEqual([]);
    for (const f of [oldOrphan, oldEntities, ghost]) expect(await exists(f), f).toBe(false);
    expect(await exists(fresh)).toBe(true);
    // Only files named like a job's are ours to delete.
    expect(await exists(stranger)).toBe(true);
  });

  it("running it again, or twice at once, is harmless", async () => {
    const old = await historicalJob("succeeded", hoursAgo(TTL_HOURS + 5));
    const [a, b] = await Promise.all([expireHistoricalResults(), expireHistoricalResults()]);
    expect([...a.expired, ...b.expired].filter((x) => x === old)).toHaveLength(1);
    expect([...a.errors, ...b.errors]).toEqual([]);
    const marked = (await getJob(old)).result?.expiredAt;
    const again = await expireHistoricalResults();
    expect(again).toEqual({ expired: [], removed: [], errors: [] });
    const job = await getJob(old);
    expect(job.result?.expiredAt).toBe(marked);
    expect(job.logs.filter((l) => /expired after/.test(l.message))).toHaveLength(1);
    expect((await download(old)).status).toBe(410);
  });

  it("a worker registers the hourly scheduler on the maintenance queue and runs its ticks", async () => {
    workers = startWorkers({ queues: ["maintenance"], concurrency: 1, log: () => undefined });
    const scheduler = await waitFor("the maintenance scheduler", async () => {
      const all = await queue(QUEUES.maintenance).getJobSchedulers(0, -1);
      return all.find((s) => s.key === MAINTENANCE_SCHEDULER_ID);
    });
    expect(scheduler).toMatchObject({ pattern: MAINTENANCE_PATTERN, tz: "UTC", name: JOB_NAMES.maintenance });

    // One tick, now (the scheduler's next one is up to an hour away): the processor runs the cleanup.
    const orphan = await writeFile(historicalResultPath(project, `c${randomBytes(12).toString("hex")}`), hoursAgo(TTL_HOURS + 1));
    const tick = await queue(QUEUES.maintenance).add(JOB_NAMES.maintenance, {});
    const done = await waitFor("the maintenance tick", async () => ((await tick.getState()) === "completed" ? queue(QUEUES.maintenance).getJob(tick.id!) : null));
    expect(done?.returnvalue).toMatchObject({ removed: 1 });
    expect(await exists(orphan)).toBe(false);
  });
});
