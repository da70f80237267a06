// BullMQ workers of this process. They only call processors in lib/; every setting that matters for
// recovery (lock duration, stalled check) comes from env so tests can shorten it.
import { Worker, type Processor } from "bullmq";
import { sendOutboxMail } from "../lib/alerts/send-outbox-mail";
import { sendAlertDelivery } from "../lib/alerts/send-alert-delivery";
import { reconcileAfterJob, runMonitorTick, runSkewJob } from "../lib/monitoring/monitor-tick";
import { env } from "../lib/config/env";
import { reconcileStuckJobs, recordStalled } from "../lib/jobs/reconcile-jobs";
import { runBackfillJob } from "../lib/jobs/run-backfill-job";
import { runMaterializeJob } from "../lib/jobs/run-materialize-job";
import { runScheduledJob } from "../lib/jobs/run-scheduled-job";
import { runMaintenanceTick } from "../lib/jobs/expire-historical-results";
import { runHistoricalJob } from "../lib/jobs/run-historical-job";
import { syncSchedules } from "../lib/registry/sync-schedules";
import { QUEUES, queuePrefix, upsertMaintenanceScheduler, upsertMonitorScheduler, type QueueName } from "../lib/queues/contracts";
import { createRedis } from "../lib/redis/connection";
import { jobLog, log as rootLog, logFailure } from "../lib/config/log";

export interface WorkerSet {
  workers: Worker[];
  /** Waits for running jobs to finish (or, with force, abandons them to the stalled check). */
  close(force?: boolean): Promise<void>;
}

const PROCESSORS: Record<QueueName, Processor> = {
  // A finished job re-evaluates its project's conditions at once (failure/recovery alerts).
  materialize: async (job) => {
    try {
      return await runMaterializeJob(job);
    } finally {
      if (job.data?.jobId) await reconcileAfterJob(String(job.data.jobId));
    }
  },
  backfill: async (job) => {
    try {
      return await runBackfillJob(job);
    } finally {
      if (job.data?.jobId) await reconcileAfterJob(String(job.data.jobId));
    }
  },
  alerts: (job) => sendOutboxMail(job),
  schedules: (job) => runScheduledJob(job),
  historical: (job) => runHistoricalJob(job),
  maintenance: (job) => runMaintenanceTick(job),
  monitor: () => runMonitorTick(),
  skew: (job) => runSkewJob(job),
  deliveries: (job) => sendAlertDelivery(job),
};

/** Queues whose jobs are Job rows: the heavy ones (WORKER_CONCURRENCY) whose stalls are logged on the row. */
const JOB_ROW_QUEUES: ReadonlySet<QueueName> = new Set([QUEUES.materialize, QUEUES.backfill, QUEUES.historical]);

export interface StartWorkersOptions {
  /** Jobs per queue at once; defaults to WORKER_CONCURRENCY. */
  concurrency?: number;
  queues?: QueueName[];
  /** Schedule sync and stuck-job reconciliation at start and every SCHEDULE_SYNC_INTERVAL_MS. */
  housekeeping?: boolean;
  log?: (line: string) => void;
}

export function startWorkers(opts: StartWorkersOptions = {}): WorkerSet {
  const e = env();
  const log = opts.log ?? ((line: string) => rootLog().info({ worker: true }, line));
  const concurrency = opts.concurrency ?? e.WORKER_CONCURRENCY;
  const names = opts.queues ?? (Object.values(QUEUES) as QueueName[]);
  const workers = names.map((name) => {
    const w = new Worker(name, PROCESSORS[name], {
      connection: createRedis("queue", { maxRetriesPerRequest: null }),
      prefix: queuePrefix(),
      // Mail and schedule ticks are light; materialization is the heavy queue.
      concurrency: JOB_ROW_QUEUES.has(name) ? concurrency : Math.max(2, concurrency),
      lockDuration: e.WORKER_LOCK_DURATION_MS,
      stalledInterval: e.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: e.WORKER_MAX_STALLED_COUNT,
    });
    w.on("error", (err) => rootLog().error({ err, queue: name }, "queue error"));
    w.on("failed", (job, err) => log(`${name} job ${job?.id ?? "?"} attempt ${job?.attemptsMade ?? "?"} failed: ${err.message}`));
    if (JOB_ROW_QUEUES.has(name)) {
      w.on("stalled", (jobId) => {
        log(`${name} job ${jobId} stalled (its worker died); it goes back to the queue`);
        void recordStalled(jobId).catch(logFailure(jobLog(jobId), "recording the stall"));
      });
    }
    return w;
  });

  // The hourly cleanup's scheduler: whoever runs the maintenance queue makes sure it exists.
  if (names.includes("maintenance")) {
    void upsertMaintenanceScheduler().catch(logFailure(rootLog(), "registering the maintenance scheduler"));
  }
  if (names.includes("monitor")) {
    void upsertMonitorScheduler().catch(logFailure(rootLog(), "registering the monitor scheduler"));
  }

  let timer: NodeJS.Timeout | undefined;
  if (opts.housekeeping) {
    const tick = async () => {
      try {
        const s = await syncSchedules();
        if (s.upserted.length || s.removed.length) log(`schedules: upserted ${s.upserted.join(", ") || "-"}; removed ${s.removed.join(", ") || "-"}`);
        for (const i of s.invalid) log(`schedule of ${i.id} is not a valid cron expression (${i.schedule}): ${i.error}`);
        const fixed = await reconcileStuckJobs();
        if (fixed.length) log(`marked ${fixed.length} job(s) failed that the queue had failed: ${fixed.join(", ")}`);
      } catch (err) {
        rootLog().error({ err }, "housekeeping failed");
      }
    };
    void tick();
    if (e.SCHEDULE_SYNC_INTERVAL_MS > 0) timer = setInterval(() => void tick(), e.SCHEDULE_SYNC_INTERVAL_MS);
  }

  return {
    workers,
    async close(force = false) {
      if (timer) clearInterval(timer);
      await Promise.all(workers.map((w) => w.close(force)));
    },
  };
}
