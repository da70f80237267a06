// Download of a historical job's result (GET …/historical-features/jobs/{id}/result): only for
// principals that could run the same request now (job-access.ts); 409 while it runs or when it
// failed, 410 once retention deleted it (expire-historical-results.ts).
import "server-only";
import fs from "node:fs/promises";
import type { Principal } from "../auth/principal";
import { env } from "../config/env";
import { db } from "../db/client";
import { LarderError, conflict, gone } from "../errors";
import { historicalResultCutoff, historicalResultOf } from "../offline/historical-results";
import { historicalResultPath } from "../shared/offline-layout";
import { assertMayReadJobValues } from "./job-access";

/** The Parquet result of a finished historical job (409 while running, 404 when unknown). */
export async function historicalJobResult(projectId: string, project: string, jobId: string, principal: Principal): Promise<string> {
  const job = await db().job.findUnique({ where: { id: jobId } });
  if (!job || job.projectId !== projectId || job.kind !== "historical") throw new LarderError("not_found", `Historical job "${jobId}" does not exist in project "${project}".`);
  // Readable only by principals that could run the same request now.
  await assertMayReadJobValues(principal, { id: projectId, name: project }, job);
  if (job.status === "failed") throw conflict(`Historical job ${jobId} failed: ${job.error ?? "unknown error"}`);
  if (job.status !== "succeeded") throw conflict(`Historical job ${jobId} is ${job.status}; poll GET /api/v1/jobs/${jobId} and download when it succeeded.`);
  // Retention (expire-historical-results.ts): an expired result is gone for good, and says so.
  const result = historicalResultOf(job.result);
  if (result.expiredAt) throw expiredResult(jobId, result.ttlHours ?? env().HISTORICAL_RESULT_TTL_HOURS, result.expiredAt);
  const resultPath = historicalResultPath(project, jobId);
  try {
    await fs.access(resultPath);
  } catch {
    // Deleted by a cleanup that has not marked the row yet.
    const ttlHours = env().HISTORICAL_RESULT_TTL_HOURS;
    if (job.finishedAt && job.finishedAt < historicalResultCutoff(new Date(), ttlHours)) throw expiredResult(jobId, ttlHours, null);
    throw new LarderError("not_found", `The result of historical job ${jobId} is no longer available.`);
  }
  return resultPath;
}

function expiredResult(jobId: string, ttlHours: number, expiredAt: string | null): LarderError {
  return gone(
    `The result of historical job ${jobId} expired after ${ttlHours} hours (HISTORICAL_RESULT_TTL_HOURS)${expiredAt ? ` and was deleted at ${expiredAt}` : ""}. Run the historical-features request again to compute a new result.`,
  );
}
