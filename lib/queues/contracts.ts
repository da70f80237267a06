// The one place for queue contracts (docs/architecture.md): queue names, a zod payload per job, default job
// options and typed enqueue functions. Payloads carry only ids: the Postgres row (Job, MailOutbox)
// is the truth, the BullMQ job is the delivery mechanism.
import "server-only";
import { FlowProducer, Queue, type JobsOptions } from "bullmq";
import { z } from "zod";
import { env } from "../config/env";
import { createRedis } from "../redis/connection";
import type { Redis } from "ioredis";
import { log } from "../config/log";

export const QUEUES = {
  /** One job per view version and window: calls the engine (materializeWindow). */
  materialize: "materialize",
  /** Backfill parents: run once all their children (on `materialize`) finished; write online. */
  backfill: "backfill",
  /** One e-mail per job: sends a MailOutbox row. */
  alerts: "alerts",
  /** Cron job schedulers: each tick creates a materialize-incremental job for one view. */
  schedules: "schedules",
  /** Point-in-time joins of large entity tables (lib/offline/run-historical-job.ts). */
  historical: "historical",
  /** Housekeeping ticks of one job scheduler (hourly): expiry of historical-job files. */
  maintenance: "maintenance",
  /** Monitor ticks (MONITOR_INTERVAL_MS): evaluate every project's conditions, queue alerts, start skew checks. */
  monitor: "monitor",
  /** One training/serving skew check of one view (lib/monitoring/skew-check.ts). */
  skew: "skew",
  /** One alert delivery (e-mail or webhook) of the delivery log. */
  deliveries: "deliveries",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The queue that runs Job rows of a kind (materialize-incremental and stats jobs run on `materialize`). */
export function queueOfJobKind(kind: string): QueueName {
  return kind === "backfill" ? QUEUES.backfill : kind === "historical" ? QUEUES.historical : QUEUES.materialize;
}

export const MaterializePayload = z.object({ jobId: z.string().min(1) }).strict();
export const BackfillPayload = z.object({ jobId: z.string().min(1) }).strict();
export const AlertPayload = z.object({ outboxId: z.string().min(1) }).strict();
export const SchedulePayload = z.object({ projectName: z.string().min(1), viewName: z.string().min(1) }).strict();
export const HistoricalPayload = z.object({ jobId: z.string().min(1) }).strict();
/** A tick carries nothing: the cleanup reads the Job rows and the offline store. */
export const MaintenancePayload = z.object({}).strict();
/** A tick carries nothing: the monitor reads every project. */
export const MonitorPayload = z.object({}).strict();
export const SkewPayload = z.object({ projectName: z.string().min(1), viewName: z.string().min(1) }).strict();
export const DeliveryPayload = z.object({ deliveryId: z.string().min(1) }).strict();

export type MaterializePayload = z.infer<typeof MaterializePayload>;
export type BackfillPayload = z.infer<typeof BackfillPayload>;
export type AlertPayload = z.infer<typeof AlertPayload>;
export type SchedulePayload = z.infer<typeof SchedulePayload>;
export type HistoricalPayload = z.infer<typeof HistoricalPayload>;
export type MaintenancePayload = z.infer<typeof MaintenancePayload>;
export type MonitorPayload = z.infer<typeof MonitorPayload>;
export type SkewPayload = z.infer<typeof SkewPayload>;
export type DeliveryPayload = z.infer<typeof DeliveryPayload>;

export const PAYLOADS = {
  materialize: MaterializePayload,
  backfill: BackfillPayload,
  alerts: AlertPayload,
  schedules: SchedulePayload,
  historical: HistoricalPayload,
  maintenance: MaintenancePayload,
  monitor: MonitorPayload,
  skew: SkewPayload,
  deliveries: DeliveryPayload,
} as const satisfies Record<QueueName, z.ZodType>;

/** BullMQ job name used on each queue (one kind of job per queue). */
export const JOB_NAMES = {
  materialize: "materialize-window",
  backfill: "backfill-finish",
  alerts: "send-mail",
  schedules: "materialize-incremental",
  historical: "historical-join",
  maintenance: "expire-historical-results",
  monitor: "monitor-tick",
  skew: "skew-check",
  deliveries: "deliver-alert",
} as const satisfies Record<QueueName, string>;

/** Attempts, exponential backoff, and bounded history (the Job rows keep the full history). */
export function defaultJobOptions(): JobsOptions {
  return {
    attempts: env().JOB_ATTEMPTS,
    backoff: { type: "exponential", delay: env().JOB_BACKOFF_MS },
    removeOnComplete: { count: 1000, age: 7 * 86400 },
    removeOnFail: { count: 5000, age: 30 * 86400 },
  };
}

export function queuePrefix(): string {
  return env().QUEUE_PREFIX;
}

const g = globalThis as unknown as {
  larderQueues?: Map<string, Queue>;
  larderFlow?: FlowProducer;
  larderQueueRedis?: Redis;
};

/** One connection for producers (Queue, FlowProducer) per process. */
function producerConnection(): Redis {
  // Producers run in request paths: a command fails after one reconnect attempt instead of
  // waiting forever (workers keep maxRetriesPerRequest: null for their blocking connections).
  g.larderQueueRedis ??= createRedis("queue", { maxRetriesPerRequest: 1 });
  return g.larderQueueRedis;
}

/** A queue that is down must not hang an API request: enqueueing gives up after this long. */
export const ENQUEUE_TIMEOUT_MS = 5000;

let lastErrorLog = 0;
function logQueueError(err: Error): void {
  // The connection retries in the background; one line every 30 s is enough.
  if (Date.now() - lastErrorLog < 30_000) return;
  lastErrorLog = Date.now();
  log().error({ err: err.message }, "queue connection error");
}

async function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The producer side of a queue (cached per process and prefix). */
export function queue(name: QueueName): Queue {
  g.larderQueues ??= new Map();
  const key = `${queuePrefix()}:${name}`;
  let q = g.larderQueues.get(key);
  if (!q) {
    q = new Queue(name, { connection: producerConnection(), prefix: queuePrefix(), defaultJobOptions: defaultJobOptions() });
    q.on("error", logQueueError);
    g.larderQueues.set(key, q);
  }
  return q;
}

export function flowProducer(): FlowProducer {
  if (!g.larderFlow) {
    g.larderFlow = new FlowProducer({ connection: producerConnection(), prefix: queuePrefix() });
    g.larderFlow.on("error", logQueueError);
  }
  return g.larderFlow;
}

/** Closes the producers of this process (tests, graceful shutdown). */
export async function closeQueues(): Promise<void> {
  const qs = [...(g.larderQueues?.values() ?? [])];
  g.larderQueues?.clear();
  await Promise.all(qs.map((q) => q.close()));
  if (g.larderFlow) await g.larderFlow.close();
  g.larderFlow = undefined;
  g.larderQueueRedis?.disconnect();
  g.larderQueueRedis = undefined;
}

// BullMQ job ids are the Job row ids, so the row and the queue job are linked both ways and an
// enqueue that is repeated (after a crash between row and enqueue) cannot create a second job.

export async function enqueueMaterialize(payload: MaterializePayload, opts: JobsOptions = {}): Promise<string> {
  const data = MaterializePayload.parse(payload);
  const job = await withTimeout(queue(QUEUES.materialize).add(JOB_NAMES.materialize, data, { jobId: data.jobId, ...opts }), "the job queue (Redis)");
  return job.id ?? data.jobId;
}

/**
 * One attempt: a join that failed on its data fails the same way again. A worker that dies mid-join
 * is still covered: BullMQ's stalled check hands the job to another worker, and the result file is
 * only renamed into place when complete.
 */
export async function enqueueHistorical(payload: HistoricalPayload): Promise<string> {
  const data = HistoricalPayload.parse(payload);
  const job = await withTimeout(queue(QUEUES.historical).add(JOB_NAMES.historical, data, { jobId: data.jobId, attempts: 1 }), "the job queue (Redis)");
  return job.id ?? data.jobId;
}

export async function enqueueAlert(payload: AlertPayload): Promise<string> {
  const data = AlertPayload.parse(payload);
  const job = await withTimeout(queue(QUEUES.alerts).add(JOB_NAMES.alerts, data, {
    jobId: `mail-${data.outboxId}`,
    attempts: 5,
    backoff: { type: "exponential", delay: Math.max(1000, env().JOB_BACKOFF_MS) },
  }), "the alerts queue (Redis)");
  return job.id ?? data.outboxId;
}

/**
 * A backfill: the parent runs on `backfill` only after every child on `materialize` finished.
 * A child that fails for good does not block the parent (ignoreDependencyOnFailure): the parent
 * reads the children's rows and fails itself with their errors.
 */
export async function enqueueBackfillFlow(parentJobId: string, childJobIds: string[]): Promise<void> {
  const parent = BackfillPayload.parse({ jobId: parentJobId });
  await withTimeout(flowProducer().add({
    name: JOB_NAMES.backfill,
    queueName: QUEUES.backfill,
    data: parent,
    opts: { ...defaultJobOptions(), jobId: parentJobId },
    children: childJobIds.map((id) => ({
      name: JOB_NAMES.materialize,
      queueName: QUEUES.materialize,
      data: MaterializePayload.parse({ jobId: id }),
      opts: { ...defaultJobOptions(), jobId: id, ignoreDependencyOnFailure: true },
    })),
  }), "the job queue (Redis)");
}

/** Scheduler id of a view's cron schedule: `mi:<project>:<view>`. */
export function scheduleId(projectName: string, viewName: string): string {
  return `mi:${projectName}:${viewName}`;
}

export async function upsertSchedule(projectName: string, viewName: string, cron: string): Promise<void> {
  const data = SchedulePayload.parse({ projectName, viewName });
  await queue(QUEUES.schedules).upsertJobScheduler(
    scheduleId(projectName, viewName),
    { pattern: cron, tz: "UTC" },
    { name: JOB_NAMES.schedules, data, opts: { attempts: 3, backoff: { type: "exponential", delay: 1000 }, removeOnComplete: 100, removeOnFail: 500 } },
  );
}

export async function removeSchedule(id: string): Promise<boolean> {
  return queue(QUEUES.schedules).removeJobScheduler(id);
}

/** Scheduler id of the hourly cleanup on `maintenance` (one for the whole instance). */
export const MAINTENANCE_SCHEDULER_ID = "maintenance:expire-historical-results";
/** Hourly, at minute 7 (UTC): away from the top of the hour where view schedules cluster. */
export const MAINTENANCE_PATTERN = "7 * * * *";

/**
 * Creates or updates the cleanup's job scheduler. Every worker that runs the `maintenance` queue
 * calls this on start; the upsert is idempotent, so many workers still make one tick an hour.
 */
export async function upsertMaintenanceScheduler(): Promise<void> {
  await queue(QUEUES.maintenance).upsertJobScheduler(
    MAINTENANCE_SCHEDULER_ID,
    { pattern: MAINTENANCE_PATTERN, tz: "UTC" },
    { name: JOB_NAMES.maintenance, data: MaintenancePayload.parse({}), opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 } },
  );
}

/** One alert delivery; retried with exponential backoff (WEBHOOK_ATTEMPTS), id = the delivery's. */
export async function enqueueDelivery(payload: DeliveryPayload): Promise<string> {
  const data = DeliveryPayload.parse(payload);
  const job = await withTimeout(queue(QUEUES.deliveries).add(JOB_NAMES.deliveries, data, {
    jobId: `delivery-${data.deliveryId}`,
    attempts: env().WEBHOOK_ATTEMPTS,
    backoff: { type: "exponential", delay: Math.max(200, env().JOB_BACKOFF_MS) },
  }), "the alerts queue (Redis)");
  return job.id ?? data.deliveryId;
}

/** One skew check of a view; a check already queued for the view is not queued twice. */
export async function enqueueSkewCheck(payload: SkewPayload): Promise<void> {
  const data = SkewPayload.parse(payload);
  await withTimeout(queue(QUEUES.skew).add(JOB_NAMES.skew, data, {
    jobId: `skew-${data.projectName}-${data.viewName}-${Math.floor(Date.now() / 60_000)}`,
    attempts: 1,
    removeOnComplete: 100,
    removeOnFail: 500,
  }), "the monitor queue (Redis)");
}

export const MONITOR_SCHEDULER_ID = "larder-monitor";

/** The monitor tick's scheduler (every MONITOR_INTERVAL_MS). */
export async function upsertMonitorScheduler(): Promise<void> {
  await queue(QUEUES.monitor).upsertJobScheduler(
    MONITOR_SCHEDULER_ID,
    { every: env().MONITOR_INTERVAL_MS },
    { name: JOB_NAMES.monitor, data: MonitorPayload.parse({}), opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 500 } },
  );
}
