// Bookkeeping shared by the job processors: attempts, status transitions, buffered log lines,
// throttled progress, the cancel probe, and what happens after a job reaches a final status.
import "server-only";
import { hostname } from "node:os";
import { UnrecoverableError, type Job as BullJob } from "bullmq";
import { db, type Prisma } from "../db/client";
import type { JobStatus } from "../db/generated/enums";
import type { MaterializeCounts } from "./engine";
import { jobLog, logFailure } from "../config/log";

export const FINAL_STATUSES: JobStatus[] = ["succeeded", "failed", "cancelled"];
export const isFinal = (s: JobStatus) => FINAL_STATUSES.includes(s);

export const workerLabel = () => `${hostname()}:${process.pid}`;

export function attemptOf(bull: Pick<BullJob, "attemptsMade" | "opts">): { attempt: number; maxAttempts: number } {
  return { attempt: bull.attemptsMade + 1, maxAttempts: bull.opts.attempts ?? 1 };
}

/** Log lines are buffered and written in batches every 100 ms (a chatty engine must not cost a round trip per line). */
type LogRow = { jobId: string; level: string; message: string; at: Date };

export class JobLogger {
  private buffer: LogRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  constructor(private readonly jobId: string) {}

  line(message: string, level: "info" | "warn" | "error" = "info"): void {
    this.buffer.push(this.row(message, level));
    this.timer ??= setTimeout(() => void this.flush(), 100);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.buffer.splice(0);
    if (rows.length) {
      this.chain = this.chain.then(() => db().jobLog.createMany({ data: rows }).then(() => undefined)).catch((e) => {
        jobLog(this.jobId).error({ err: e }, "could not write the job's log lines");
      });
    }
    return this.chain;
  }

  /**
   * Writes the buffered lines, then `finalLine` if given, in ONE transaction with `ops` (a change of
   * the job's status), after the batches already on their way: a job that reads as finished or
   * retrying has its whole log. Resolves to the results of `ops`. If the transaction fails, the
   * buffered lines stay buffered; `finalLine` (true only once `ops` hold) is dropped.
   */
  async commit(ops: Prisma.PrismaPromise<unknown>[], finalLine?: string): Promise<unknown[]> {
    return this.withBuffered(async (rows) => {
      const all = finalLine === undefined ? rows : [...rows, this.row(finalLine, "info")];
      const results = await db().$transaction([...(all.length ? [db().jobLog.createMany({ data: all })] : []), ...ops]);
      return all.length ? results.slice(1) : results;
    });
  }

  /**
   * commit for a status change that may not apply (a conditional update: the job may have finished
   * meanwhile): in ONE transaction, writes the buffered lines, runs `update`, and writes
   * `finalLine` only if `update` changed a row — the log never says "cancelled" or "failed" about a
   * job whose status stayed what it was. Resolves to whether it changed a row.
   */
  async commitIfChanged(
    update: (tx: Prisma.TransactionClient) => Promise<Prisma.BatchPayload>,
    finalLine: string,
    level: "info" | "warn" | "error" = "info",
  ): Promise<boolean> {
    return this.withBuffered((rows) =>
      db().$transaction(async (tx) => {
        if (rows.length) await tx.jobLog.createMany({ data: rows });
        const { count } = await update(tx);
        if (count > 0) await tx.jobLog.create({ data: this.row(finalLine, level) });
        return count > 0;
      }),
    );
  }

  private row(message: string, level: string): LogRow {
    return { jobId: this.jobId, level, message: message.slice(0, 4000), at: new Date() };
  }

  /**
   * Takes the buffered lines, after the batches already on their way, for `write` (which must write
   * them, or nothing, in its transaction); if `write` fails they go back to the buffer.
   */
  private async withBuffered<T>(write: (rows: LogRow[]) => Promise<T>): Promise<T> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
    const rows = this.buffer.splice(0);
    try {
      return await write(rows);
    } catch (e) {
      this.buffer.unshift(...rows);
      throw e;
    }
  }
}

export interface Counts {
  rowsRead: number;
  rowsWrittenOffline: number;
  rowsWrittenOnline: number;
}

/** The Job row's counter columns (BigInt) for `c`. */
export function countColumns(c: Counts): { rowsRead: bigint; rowsWrittenOffline: bigint; rowsWrittenOnline: bigint } {
  return { rowsRead: BigInt(c.rowsRead), rowsWrittenOffline: BigInt(c.rowsWrittenOffline), rowsWrittenOnline: BigInt(c.rowsWrittenOnline) };
}

/** The Job row of a run that succeeded: final status, full progress, no error left from an earlier attempt, finished now. */
export function succeededColumns() {
  return { status: "succeeded" as const, progress: 1, error: null, errorStep: null, finishedAt: new Date() };
}

export function countsOf(c: MaterializeCounts | undefined, base: Counts = { rowsRead: 0, rowsWrittenOffline: 0, rowsWrittenOnline: 0 }): Counts {
  return {
    rowsRead: c?.rowsRead !== undefined ? Number(c.rowsRead) : base.rowsRead,
    rowsWrittenOffline: c?.rowsWrittenOffline !== undefined ? Number(c.rowsWrittenOffline) : base.rowsWrittenOffline,
    rowsWrittenOnline: c?.rowsWrittenOnline !== undefined ? Number(c.rowsWrittenOnline) : base.rowsWrittenOnline,
  };
}

/** Progress and counters, written at most every 300 ms (the last value always lands on flush). */
export class ProgressWriter {
  private pending: { progress: number; counts: Counts } | undefined;
  private last = 0;
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  counts: Counts = { rowsRead: 0, rowsWrittenOffline: 0, rowsWrittenOnline: 0 };
  constructor(
    private readonly jobId: string,
    private readonly scale: (fraction: number) => number = (f) => f,
  ) {}

  report(fraction: number, counts?: MaterializeCounts): void {
    this.counts = countsOf(counts, this.counts);
    const progress = Math.min(1, Math.max(0, this.scale(Number.isFinite(fraction) ? fraction : 0)));
    this.pending = { progress, counts: this.counts };
    const wait = 300 - (Date.now() - this.last);
    if (wait <= 0) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), wait);
  }

  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const p = this.pending;
    this.pending = undefined;
    if (p) {
      this.last = Date.now();
      this.chain = this.chain
        .then(() =>
          db()
            .job.updateMany({
              // Never move a finished job's progress (a late write after success or cancel).
              where: { id: this.jobId, status: { in: ["running"] } },
              data: { progress: p.progress, ...countColumns(p.counts) },
            })
            .then(() => undefined),
        )
        .catch(logFailure(jobLog(this.jobId), "writing progress"));
    }
    return this.chain;
  }
}

/** Reads Job.cancelRequested, cached for 250 ms (the engine asks between every batch). */
export function cancelProbe(jobIds: string[]): () => Promise<boolean> {
  let cachedAt = 0;
  let cached = false;
  return async () => {
    if (cached) return true;
    if (Date.now() - cachedAt < 250) return cached;
    const n = await db().job.count({ where: { id: { in: jobIds }, cancelRequested: true } });
    cached = n > 0;
    cachedAt = Date.now();
    return cached;
  };
}

/** The step an engine error names (typed engine errors carry `.step`). */
export function stepOf(err: unknown, fallback: string): string {
  const s = (err as { step?: unknown })?.step;
  return typeof s === "string" && s ? s : fallback;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** True when no retry is left for this failure. */
export function isLastAttempt(err: unknown, attempt: number, maxAttempts: number): boolean {
  return err instanceof UnrecoverableError || (err as Error)?.name === "UnrecoverableError" || attempt >= maxAttempts;
}

/** Status for a failed attempt: `retrying` while attempts remain, else `failed`; written with the job's buffered log lines. */
export async function recordFailure(jobId: string, logger: JobLogger, err: unknown, step: string, final: boolean, counts?: Counts): Promise<void> {
  await logger.commit([
    db().job.update({
      where: { id: jobId },
      data: {
        status: final ? "failed" : "retrying",
        error: messageOf(err).slice(0, 8000),
        errorStep: step,
        ...(final ? { finishedAt: new Date() } : {}),
        ...(counts ? countColumns(counts) : {}),
      },
    }),
  ]);
}

/** Marks a job cancelled unless it already finished; `why` goes to its log in the same transaction, only if it was. */
export function markCancelled(jobId: string, logger: JobLogger, why = "cancelled on request"): Promise<boolean> {
  return logger.commitIfChanged(
    (tx) =>
      tx.job.updateMany({
        where: { id: jobId, status: { notIn: FINAL_STATUSES } },
        data: { status: "cancelled", finishedAt: new Date() },
      }),
    why,
    "warn",
  );
}
