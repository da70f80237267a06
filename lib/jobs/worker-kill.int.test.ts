// A worker process killed with SIGKILL in the middle of a backfill: BullMQ's stalled check hands its
// job to another worker process, which finishes it; the backfill ends with exact results.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  BASE_DAY,
  DAY_MS,
  SLOW_TRANSFORM,
  createTestProject,
  jobsTestEnv,
  offlinePartitions,
  offlineRows,
  onlineSnapshot,
  removeDir,
  waitFor,
  waitForJob,
} from "../../test/support/jobs";
import { deleteQueueKeys } from "../../test/support/jobs";

const prefix = jobsTestEnv({ WORKER_LOCK_DURATION_MS: "3000", WORKER_STALLED_INTERVAL_MS: "1000", WORKER_CONCURRENCY: "1" });

const { db } = await import("../db/client");
const { closeQueues } = await import("../queues/contracts");
const { backfill } = await import("./backfill");
const { materialize } = await import("./materialize");
const { startWorkers } = await import("../../workers/register");
const { versionDir: offlineVersionDir } = await import("../shared/offline-layout");

const ROOT = path.resolve(import.meta.dirname, "../..");
const children: ChildProcess[] = [];
const output: string[] = [];

function spawnWorker(name: string): ChildProcess {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "workers/main.ts"], {
    cwd: ROOT,
    env: { ...process.env, QUEUE_PREFIX: prefix, WORKER_CONCURRENCY: "1", SCHEDULE_SYNC_INTERVAL_MS: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (d) => output.push(`[${name}] ${d}`));
  child.stderr!.on("data", (d) => output.push(`[${name} err] ${d}`));
  children.push(child);
  return child;
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await closeQueues();
  await deleteQueueKeys(prefix);
});

describe("a worker killed with kill -9 mid-backfill", () => {
  it("leaves a stalled job that another worker picks up and finishes exactly", { timeout: 180_000 }, async () => {
    const p = await createTestProject({ days: 3, transform: SLOW_TRANSFORM });
    const ref = await createTestProject({ days: 3 });
    try {
      const first = spawnWorker("worker-1");
      const start = new Date(BASE_DAY);
      const end = new Date(BASE_DAY + 3 * DAY_MS);
      const { parent } = await backfill({ projectId: p.projectId, start, end, triggeredBy: "test" });

      // Wait until worker-1 is inside a partition (source read, slow transform running).
      const victim = await waitFor(
        "a partition running on worker-1",
        async () => {
          const log = await db().jobLog.findFirst({ where: { job: { parentId: parent.id }, message: { startsWith: "read " } } });
          return log?.jobId;
        },
        60_000,
      );
      expect(first.pid).toBeDefined();
      process.kill(first.pid!, "SIGKILL");
      await waitFor("worker-1 to die", async () => first.signalCode === "SIGKILL", 10_000);
      expect((await db().job.findUniqueOrThrow({ where: { id: victim } })).status).toBe("running");

      spawnWorker("worker-2");
      const done = await waitForJob(parent.id, ["succeeded", "failed", "cancelled"], 150_000).catch((e) => {
        throw new Error(`${(e as Error).message}\nworker output:\n${output.join("")}`);
      });
      expect(done.status, output.join("")).toBe("succeeded");

      const v = await db().job.findUniqueOrThrow({ where: { id: victim } });
      expect(v.status).toBe("succeeded");
      expect(v.attempts).toBeGreaterThanOrEqual(2); // started on worker-1, finished on worker-2
      const vlogs = (await db().jobLog.findMany({ where: { jobId: victim }, orderBy: { id: "asc" } })).map((l) => l.message).join("\n");
      expect(vlogs).toMatch(/stopped responding/);
      expect(vlogs).toMatch(new RegExp(`started on .*:${first.pid}[\\s\\S]*started on`));
      // The killed attempt's work folder was removed by the attempt that finished the job.
      expect((await fs.readdir(offlineVersionDir(p.project, p.view, 1))).filter((n) => n.startsWith(".tmp-"))).toEqual([]);

      // Exact: the same rows as one window materialization of the same data.
      const refSet = startWorkers({ concurrency: 1, log: () => undefined });
      const [single] = await materialize({ projectId: ref.projectId, start, end, triggeredBy: "test" });
      expect((await waitForJob(single.id)).status).toBe("succeeded");
      await refSet.close();
      // The window's days and the end's own day (its end is a midnight), as one window writes them.
      expect(await offlinePartitions(p.project, p.view)).toEqual(["date=2024-03-01", "date=2024-03-02", "date=2024-03-03", "date=2024-03-04"]);
      expect(await offlineRows(p.project, p.view)).toEqual(await offlineRows(ref.project, ref.view));
      expect(await onlineSnapshot(p.project)).toEqual(await onlineSnapshot(ref.project));
    } finally {
      await removeDir(p.dir);
      await removeDir(ref.dir);
    }
  });
});
