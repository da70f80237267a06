// Waiting for jobs to finish, for callers whose protocol is synchronous (Feast's /materialize answers
// once the materialization is done): polls the Job rows, which every worker keeps current.
import "server-only";
import { db } from "../db/client";
import { conflict, unavailable } from "../errors";
import { isFinal } from "./job-run";

export interface WaitOptions {
  /** How long to wait at most (ms); then a 503 says the jobs are still running (default 30 min). */
  timeoutMs?: number;
  pollMs?: number;
  /** Stop waiting (the jobs keep running) when this fires, e.g. the client went away. */
  signal?: AbortSignal;
}

/** Resolves when every job succeeded; a 409 names the first job that failed or was cancelled. */
export async function waitForJobs(ids: string[], opts: WaitOptions = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30 * 60_000);
  const pollMs = opts.pollMs ?? 250;
  for (;;) {
    const rows = await db().job.findMany({
      where: { id: { in: ids } },
      select: { id: true, status: true, error: true, errorStep: true, featureView: { select: { name: true } } },
    });
    const bad = rows.find((r) => isFinal(r.status) && r.status !== "succeeded");
    if (bad) {
      throw conflict(
        `Materialization job ${bad.id} of ${bad.featureView?.name ?? "?"} ${bad.status}${bad.errorStep ? ` at step ${bad.errorStep}` : ""}: ${bad.error ?? "no error recorded"}. See GET /api/v1/jobs/${bad.id}.`,
        { job: bad.id },
      );
    }
    if (rows.length === ids.length && rows.every((r) => r.status === "succeeded")) return;
    if (opts.signal?.aborted) return;
    if (Date.now() > deadline) throw unavailable(`The materialization jobs ${ids.join(", ")} are still running; follow them with GET /api/v1/jobs/{id}.`, 30);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
