// The processor body of the `historical` queue: one point-in-time join of an entity table that the
// request already validated, typed and saved as Parquet (get-historical-features.ts). The Job row
// goes queued → running → succeeded | failed with log lines; the result Parquet file is written
// aside and renamed into place, so a reader never sees half a result and a worker killed mid-join
// leaves nothing behind but a `.tmp` file the next run overwrites. Cancel (request-cancel.ts) is
// honoured before the join, during it (the DuckDB query is interrupted) and before the rename: a
// cancelled job never publishes a result.
import "server-only";
import fs from "node:fs/promises";
import path from "node:path";
import { UnrecoverableError, type Job as BullJob } from "bullmq";
import { db } from "../db/client";
import { duckdb, qlit } from "../duckdb/instance";
import { afterJobFinished } from "./after-job-finished";
import { JobLogger, cancelProbe, isFinal, markCancelled, messageOf, recordFailure, workerLabel } from "./job-run";
import { getCatalog, invalidateCatalog, resolveFromCatalog } from "../registry/catalog-cache";
import { HistoricalPayload } from "../queues/contracts";
import { computeInto } from "../offline/historical-compute";
import { historicalEntitiesPath, historicalResultPath } from "../shared/offline-layout";
import { planSlots } from "../offline/historical-plan";
import { type HistoricalJobParams } from "../offline/historical-results";
import { jobLog, logFailure } from "../config/log";
import { scrubPaths } from "../duckdb/error-text";

export type HistoricalJobOutcome = { status: "succeeded"; rows: number } | { status: "cancelled" } | { status: "skipped"; reason: string };

/** How often a running join looks at its row's cancel flag. */
const CANCEL_POLL_MS = 500;

class CancelledJoin extends Error {
  constructor() {
    super("cancelled");
  }
}

export async function runHistoricalJob(bull: Pick<BullJob, "data">): Promise<HistoricalJobOutcome> {
  const { jobId } = HistoricalPayload.parse(bull.data);
  const row = await db().job.findUnique({ where: { id: jobId }, include: { project: { select: { name: true } } } });
  if (!row || !row.project) throw new UnrecoverableError(`Job ${jobId} no longer exists.`);
  const project = row.project.name;
  const entities = historicalEntitiesPath(project, jobId);
  // A duplicate delivery (a stalled job that had in fact finished), or a job cancelled meanwhile.
  if (isFinal(row.status)) {
    await fs.rm(entities, { force: true }).catch(logFailure(jobLog(jobId), "removing the entity table"));
    return { status: "skipped", reason: `job is already ${row.status}` };
  }
  const params = row.params as unknown as HistoricalJobParams;
  const resultPath = historicalResultPath(project, jobId);
  const logger = new JobLogger(jobId);
  await db().job.update({
    where: { id: jobId },
    data: { status: "running", startedAt: row.startedAt ?? new Date(), attempts: { increment: 1 }, progress: 0 },
  });
  logger.line(`joining ${params.rows} entity rows on ${workerLabel()}`);
  await logger.flush();
  const conn = await (await duckdb()).connect();
  let step = "load";
  let finished = false;
  let cancelled = false;
  const cancelRequested = cancelProbe([jobId]);
  const tmp = `${resultPath}.tmp`;
  // While the join runs: a cancel request interrupts the DuckDB query.
  const watch = setInterval(() => {
    void cancelRequested().then(
      (yes) => {
        if (yes && !cancelled) {
          cancelled = true;
          conn.interrupt();
        }
      },
      () => undefined,
    );
  }, CANCEL_POLL_MS);
  try {
    // The worker's cached registry may predate the request: read it fresh, and compute exactly the
    // versions the request resolved to.
    invalidateCatalog(project);
    const catalog = await getCatalog(project);
    const resolved = resolveFromCatalog(catalog, { features: params.features, feature_service: params.feature_service });
    const plan = planSlots(resolved, params.full_feature_names);
    const now = plan.slots.map((s) => s.vv.id).sort().join(",");
    if (now !== [...params.versionIds].sort().join(",")) {
      throw new UnrecoverableError(
        `The registry changed between the request and the run (the features now resolve to other feature view versions: ${plan.slots.map((s) => `${s.vv.view}@v${s.vv.version}`).join(", ")}). Send the request again.`,
      );
    }
    try {
      await fs.access(entities);
    } catch {
      throw new UnrecoverableError("The job's entity table is gone; send the request again.");
    }
    const table = `hist_entities_${jobId.replace(/\W/g, "_")}`;
    await conn.run(`CREATE TEMP TABLE ${table} AS SELECT * FROM read_parquet(${qlit(entities)})`);
    if (await cancelRequested()) throw new CancelledJoin();
    step = "join";
    await fs.mkdir(path.dirname(resultPath), { recursive: true });
    await computeInto(
      conn,
      project,
      { plan, table: { table, columns: params.columns, rows: params.rows, minT: params.minT, maxT: params.maxT }, timestampColumn: params.timestampColumn },
      "parquet",
      tmp,
    );
    if (cancelled || (await cancelRequested())) throw new CancelledJoin();
    await fs.rename(tmp, resultPath);
    await logger.commit(
      [
        db().job.update({
          where: { id: jobId },
          data: { status: "succeeded", progress: 1, finishedAt: new Date(), rowsRead: BigInt(params.rows), result: { path: resultPath, rows: params.rows } },
        }),
      ],
      `result written: ${params.rows} rows`,
    );
    finished = true;
    return { status: "succeeded", rows: params.rows };
  } catch (e) {
    if (e instanceof CancelledJoin || cancelled) {
      await fs.rm(tmp, { force: true }).catch(logFailure(jobLog(jobId), "removing the partial result"));
      finished = await markCancelled(jobId, logger, `cancelled while running (step ${step}); no result was written`);
      return { status: "cancelled" };
    }
    const message = e instanceof UnrecoverableError ? e.message : `historical join failed at step ${step}: ${scrubPaths(messageOf(e).split("\n")[0])}`;
    logger.line(message, "error");
    await recordFailure(jobId, logger, new Error(message), step, true);
    finished = true;
    throw new UnrecoverableError(message);
  } finally {
    clearInterval(watch);
    conn.closeSync();
    // One attempt: the entity table is not needed again, whatever the outcome.
    await fs.rm(entities, { force: true }).catch(logFailure(jobLog(jobId), "removing the entity table"));
    await logger.flush();
    if (finished) await afterJobFinished(jobId).catch(logFailure(jobLog(jobId), "the after-job step"));
  }
}
