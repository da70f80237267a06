// Jobs API (docs/jobs.md): start materializations and backfills, list and inspect jobs,
// retry and cancel them, and read a view's materialized intervals and gaps. Project-scoped paths
// carry the exact permission; the un-scoped /api/v1/jobs paths authorize on the job's project
// inside the handler (jobs.read / jobs.run / jobs.cancel).
import "server-only";
import { z } from "zod";
import { endpoint, type Endpoint } from "../endpoint";
import { IsoInstantDate } from "../../shared/iso-time";
import { PageOf, PageQuery } from "../../shared/paging";
import { JOB_KINDS, JOB_STATUSES, JobJson, JobLogJson } from "../../jobs/job-schema";

const ProjectParam = z.object({ project: z.string().min(1) });
const JobParams = ProjectParam.extend({ jobId: z.string().min(1) });
const UnscopedJobParams = z.object({ jobId: z.string().min(1) });
const ViewParams = ProjectParam.extend({ view: z.string().min(1) });

const Time = IsoInstantDate;
const ViewNames = z
  .array(z.string().min(1, "a feature view name cannot be empty"))
  .min(1, "list at least one feature view, or leave featureViews out for all views")
  .optional()
  .meta({ description: "Feature views to include; all active views of the project when omitted." });

const startBeforeEnd = (b: { start: Date; end: Date }, ctx: z.RefinementCtx) => {
  // zod runs object refinements even when a field failed; only compare two real times.
  if (!(b.start instanceof Date) || !(b.end instanceof Date)) return;
  if (b.start.getTime() >= b.end.getTime()) ctx.addIssue({ code: "custom", path: ["start"], message: "start must be before end" });
};

export const MaterializeBody = z.object({ featureViews: ViewNames, start: Time, end: Time }).strict().superRefine(startBeforeEnd);
export const IncrementalBody = z.object({ featureViews: ViewNames }).strict();
export const BackfillBody = z
  .object({
    featureViews: ViewNames,
    start: Time,
    end: Time,
    gaps: z.boolean().default(false).meta({ description: "Only backfill the parts of [start, end) not materialized yet." }),
  })
  .strict()
  .superRefine(startBeforeEnd);

/** `status=failed,retrying` or repeated `status=` parameters. */
function listOf<T extends readonly [string, ...string[]]>(values: T, name: string) {
  return z
    .preprocess(
      (v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(",")).map((s) => s.trim()).filter(Boolean)),
      z.array(z.enum(values, { message: `${name} must be one of ${values.join(", ")}` })).optional(),
    )
    .meta({ description: `One or more of ${values.join(", ")} (comma-separated or repeated).` });
}

export const JobListQuery = PageQuery.extend({
  featureView: z.string().min(1).optional().meta({ description: "Only jobs of this feature view." }),
  status: listOf(JOB_STATUSES, "status"),
  kind: listOf(JOB_KINDS, "kind"),
  parentId: z.string().min(1).optional().meta({ description: "Only the children of this backfill, in partition order." }),
  includeChildren: z.stringbool({ error: 'includeChildren must be "true" or "false"' }).default(false).meta({ description: "Also list backfill partitions." }),
});
export const UnscopedJobListQuery = JobListQuery.extend({
  project: z.string().min(1).optional().meta({ description: "Only jobs of this project." }),
});

export const IntervalsQuery = z
  .object({
    version: z.coerce.number({ error: "version must be a whole number" }).int().min(1, "version must be 1 or more").optional(),
    start: Time.optional(),
    end: Time.optional(),
  })
  .strict();

export const JobDetailJson = JobJson.extend({
  logs: z.array(JobLogJson),
  children: z.array(JobJson),
  childCounts: z.record(z.enum(JOB_STATUSES), z.number().int()).meta({ description: "How many child jobs are in each status." }),
});
const Span = z.object({ start: z.string(), end: z.string() });
export const IntervalsJson = z.object({
  featureView: z.string(),
  version: z.number().int(),
  /** Defaults to the first materialized start → the last materialized end (gaps = holes between runs); null = never materialized. */
  start: z.string().nullable(),
  end: z.string().nullable(),
  intervals: z.array(Span),
  onlineIntervals: z.array(Span),
  gaps: z.array(Span),
  lastMaterializedEnd: z.string().nullable(),
});
export const JobsCreated = z.object({ jobs: z.array(JobJson), skipped: z.array(z.object({ featureView: z.string(), reason: z.string() })) });
export const JobCreated = z.object({ job: JobJson });
export const CancelJson = z.object({ job: JobJson, state: z.enum(["cancelled", "cancelling"]) });

const tags = ["jobs"];

export const materializeJobs = endpoint({
  id: "materialize",
  method: "POST",
  path: "/api/v1/projects/{project}/materialize",
  permission: "jobs.run",
  summary: "Materialize the window [start, end) of the latest version of each selected view (one job per view).",
  tags,
  params: ProjectParam,
  body: MaterializeBody,
  response: JobsCreated,
  successStatus: 202,
});

export const materializeIncrementalJobs = endpoint({
  id: "materializeIncremental",
  method: "POST",
  path: "/api/v1/projects/{project}/materialize-incremental",
  permission: "jobs.run",
  summary: "Materialize each selected view from the end of its last materialized interval to now.",
  tags,
  params: ProjectParam,
  body: IncrementalBody,
  response: JobsCreated,
  successStatus: 202,
});

export const backfillJobs = endpoint({
  id: "backfill",
  method: "POST",
  path: "/api/v1/projects/{project}/backfill",
  permission: "jobs.run",
  summary: "Backfill [start, end) (or only its gaps): one child job per view version and UTC day, then online as of end.",
  tags,
  params: ProjectParam,
  body: BackfillBody,
  response: JobCreated,
  successStatus: 202,
});

export const listProjectJobs = endpoint({
  id: "listProjectJobs",
  method: "GET",
  path: "/api/v1/projects/{project}/jobs",
  permission: "jobs.read",
  summary: "Jobs of the project, newest first (backfill partitions only with includeChildren or parentId).",
  tags,
  params: ProjectParam,
  query: JobListQuery,
  response: PageOf(JobJson),
});

export const getProjectJob = endpoint({
  id: "getProjectJob",
  method: "GET",
  path: "/api/v1/projects/{project}/jobs/{jobId}",
  permission: "jobs.read",
  summary: "One job with its log lines and child jobs.",
  tags,
  params: JobParams,
  response: JobDetailJson,
});

export const retryProjectJob = endpoint({
  id: "retryProjectJob",
  method: "POST",
  path: "/api/v1/projects/{project}/jobs/{jobId}/retry",
  permission: "jobs.run",
  summary: "Retry a failed or cancelled job as a new job (retryOf links them); a backfill retries its unfinished partitions.",
  tags,
  params: JobParams,
  response: JobCreated,
  successStatus: 202,
});

export const cancelProjectJob = endpoint({
  id: "cancelProjectJob",
  method: "POST",
  path: "/api/v1/projects/{project}/jobs/{jobId}/cancel",
  permission: "jobs.cancel",
  summary: "Cancel a job: removed from the queue if waiting, stopped between batches if running.",
  tags,
  params: JobParams,
  response: CancelJson,
  successStatus: 202,
});

export const getViewIntervals = endpoint({
  id: "getFeatureViewIntervals",
  method: "GET",
  path: "/api/v1/projects/{project}/feature-views/{view}/intervals",
  permission: "jobs.read",
  summary: "Materialized data intervals of a view version (default latest) and the gaps within [start, end).",
  tags,
  params: ViewParams,
  query: IntervalsQuery,
  response: IntervalsJson,
});

export const listJobs = endpoint({
  id: "listJobs",
  method: "GET",
  path: "/api/v1/jobs",
  permission: "authenticated",
  summary: "Jobs of every project the caller may read jobs of (filter with project=).",
  tags,
  query: UnscopedJobListQuery,
  response: PageOf(JobJson),
});

export const getJob = endpoint({
  id: "getJob",
  method: "GET",
  path: "/api/v1/jobs/{jobId}",
  permission: "authenticated",
  jobPermission: "jobs.read",
  summary: "One job with log lines and child jobs (needs jobs.read on the job's project).",
  tags,
  params: UnscopedJobParams,
  response: JobDetailJson,
});

export const retryJob = endpoint({
  id: "retryJob",
  method: "POST",
  path: "/api/v1/jobs/{jobId}/retry",
  permission: "authenticated",
  jobPermission: "jobs.run",
  summary: "Retry a failed or cancelled job (needs jobs.run on the job's project).",
  tags,
  params: UnscopedJobParams,
  response: JobCreated,
  successStatus: 202,
});

export const cancelJob = endpoint({
  id: "cancelJob",
  method: "POST",
  path: "/api/v1/jobs/{jobId}/cancel",
  permission: "authenticated",
  jobPermission: "jobs.cancel",
  summary: "Cancel a job (needs jobs.cancel on the job's project).",
  tags,
  params: UnscopedJobParams,
  response: CancelJson,
  successStatus: 202,
});

export const jobsEndpoints: Endpoint[] = [
  materializeJobs,
  materializeIncrementalJobs,
  backfillJobs,
  listProjectJobs,
  getProjectJob,
  retryProjectJob,
  cancelProjectJob,
  getViewIntervals,
  listJobs,
  getJob,
  retryJob,
  cancelJob,
];
