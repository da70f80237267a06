// A Job row as the API shows it (docs/jobs.md): every field, BigInt counters as numbers, names
// instead of ids where people read them.
import "server-only";
import { readableActorLabels } from "../auth/actor-labels";
import { JobJson } from "./job-schema";
import type { Prisma } from "../db/generated/client";

export { JOB_KINDS, JOB_STATUSES, JobJson, JobLogJson } from "./job-schema";

export const jobJsonInclude = {
  project: { select: { name: true } },
  featureView: { select: { name: true } },
  _count: { select: { children: true } },
} as const satisfies Prisma.JobInclude;

export type JobWithNames = Prisma.JobGetPayload<{ include: typeof jobJsonInclude }>;

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** The job's result without server file paths; a historical job's says where to download it. */
function publicResult(j: JobWithNames): unknown {
  const r = j.result;
  if (!r || typeof r !== "object" || Array.isArray(r)) return r ?? null;
  const { path: _path, ...rest } = r as Record<string, unknown>;
  if (j.kind === "historical") return { ...rest, url: `/api/v1/projects/${j.project.name}/historical-features/jobs/${j.id}/result` };
  return rest;
}

export function toJobJson(j: JobWithNames): JobJson {
  const params = (j.params && typeof j.params === "object" && !Array.isArray(j.params) ? j.params : {}) as Record<string, unknown>;
  return {
    id: j.id,
    kind: j.kind,
    project: j.project.name,
    featureView: j.featureView?.name ?? null,
    version: j.version,
    windowStart: isoOrNull(j.windowStart),
    windowEnd: isoOrNull(j.windowEnd),
    status: j.status,
    progress: j.progress,
    rowsRead: Number(j.rowsRead),
    rowsWrittenOffline: Number(j.rowsWrittenOffline),
    rowsWrittenOnline: Number(j.rowsWrittenOnline),
    attempts: j.attempts,
    maxAttempts: j.maxAttempts,
    error: j.error,
    errorStep: j.errorStep,
    params,
    result: publicResult(j),
    triggeredBy: j.triggeredBy,
    triggeredByLabel: j.triggeredBy,
    parentId: j.parentId,
    retryOf: typeof params.retryOf === "string" ? params.retryOf : null,
    cancelRequested: j.cancelRequested,
    createdAt: j.createdAt.toISOString(),
    startedAt: isoOrNull(j.startedAt),
    finishedAt: isoOrNull(j.finishedAt),
    updatedAt: j.updatedAt.toISOString(),
    durationMs: j.startedAt ? (j.finishedAt ?? new Date()).getTime() - j.startedAt.getTime() : null,
    childCount: j._count.children,
  };
}

/** The jobs with `triggeredByLabel` naming API tokens by name (one query for all of them). */
export async function withActorLabels<T extends JobJson>(jobs: T[]): Promise<T[]> {
  const labels = await readableActorLabels(jobs.map((j) => j.triggeredBy));
  return jobs.map((j) => ({ ...j, triggeredByLabel: labels.get(j.triggeredBy) ?? j.triggeredBy }));
}
