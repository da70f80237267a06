"use client";
// One job: what it is and where it stands, its log on top, then its run figures, a backfill's
// partitions (summarised by status and paged), and its data-quality checks. Cancel and retry ask
// nothing / ask first: cancelling stops work, so it says what it stops before it does.
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban, RotateCcw } from "lucide-react";
import { api } from "@/lib/console/api-client";
import { formatDateTime, formatDuration, formatNumber, plural } from "@/lib/console/format";
import { ACTIVE_STATUSES, normalizeJob, statusSummary, type JobDetailView } from "@/lib/console/jobs";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { useUrlState } from "@/lib/console/use-url-state";
import { StatusBadge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader, Facts, PageHeader } from "../../ui/card";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { ProgressBar } from "../../ui/progress";
import { TableSkeleton } from "../../ui/skeleton";
import { Pager } from "../../ui/table";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";
import { JobsTable, windowLabel } from "./jobs-table";
import { useJob, useJobs } from "./use-jobs";
import { QualityResults } from "../monitoring/quality-table";

const CHILD_PAGE = 25;

export function JobPage({ project, jobId }: { project: string; jobId: string }) {
  const q = useJob(jobId);
  const access = useProjectAccess();
  const client = useQueryClient();
  const invalidate = () => Promise.all([client.invalidateQueries({ queryKey: qk.job(jobId) }), client.invalidateQueries({ queryKey: qk.allJobs() })]);
  const retry = useMutation({ mutationFn: () => api.post<unknown>(`/api/v1/jobs/${encodeURIComponent(jobId)}/retry`), onSuccess: invalidate });
  const cancel = useMutation({ mutationFn: () => api.post<unknown>(`/api/v1/jobs/${encodeURIComponent(jobId)}/cancel`), onSuccess: invalidate });
  return (
    <QueryState query={q} page>
      {(job) => {
        const active = ACTIVE_STATUSES.has(job.status);
        const canRetry = job.status === "failed" || job.status === "cancelled";
        return (
          <>
            <nav aria-label="Breadcrumb" className="mb-2 text-sm text-fg-muted">
              <Link href={links.jobs(project)} className="hover:underline">
                Jobs
              </Link>{" "}
              {job.parentId ? (
                <>
                  /{" "}
                  <Link href={links.job(project, job.parentId)} className="hover:underline">
                    backfill
                  </Link>{" "}
                </>
              ) : null}
              / <span className="font-mono break-all text-fg">{job.partition ?? job.id}</span>
            </nav>
            <PageHeader
              title={
                <span className="inline-flex flex-wrap items-center gap-x-3 gap-y-1">
                  {job.kind.replace("_", " ")}
                  {job.view ? (
                    <span className="font-normal text-fg-muted">
                      of {job.view}
                      {job.version ? ` v${job.version}` : ""}
                    </span>
                  ) : null}
                  <StatusBadge status={job.status} />
                </span>
              }
              actions={
                access.can["jobs.run"] ? (
                  <>
                    {canRetry ? (
                      <Button variant="primary" size="sm" onClick={() => retry.mutate()} disabled={retry.isPending}>
                        <RotateCcw aria-hidden className="size-3.5" /> Retry
                      </Button>
                    ) : null}
                    {active && access.can["jobs.cancel"] ? (
                      <ConfirmDialog
                        title="Cancel this job?"
                        trigger={
                          <Button variant="danger" size="sm">
                            <Ban aria-hidden className="size-3.5" /> Cancel
                          </Button>
                        }
                        confirmLabel="Cancel job"
                        dismissLabel="Keep it running"
                        variant="danger"
                        onConfirm={() => cancel.mutateAsync()}
                        pending={cancel.isPending}
                        error={cancel.error}
                      >
                        <CancelEffect job={job} />
                      </ConfirmDialog>
                    ) : null}
                  </>
                ) : null
              }
            />
            {retry.isError ? <ErrorState compact error={retry.error} /> : null}
            {retry.isSuccess && retry.data ? <RetryNotice project={project} data={retry.data} jobId={jobId} /> : null}
            <Outcome job={job} />
            <Card className="mb-4">
              <CardHeader title="Log" description={active ? "Updates live while the job runs." : undefined} />
              {job.logs.length === 0 ? (
                <p className="p-4 text-sm text-fg-muted">No log lines yet.</p>
              ) : (
                <ol className="max-h-[22rem] overflow-auto bg-code p-3 font-mono text-xs leading-relaxed" aria-label="Log lines">
                  {job.logs.map((l, i) => (
                    <li key={i} className={l.level === "error" ? "text-danger" : l.level === "warn" ? "text-amber-700 dark:text-amber-300" : undefined}>
                      <span className="text-fg-subtle">{l.at.slice(11, 23)}</span> <span className="uppercase">{l.level.padEnd(5)}</span> {l.message}
                    </li>
                  ))}
                </ol>
              )}
            </Card>
            <div className="mb-4 grid gap-4 lg:grid-cols-2">
              <Card>
                <CardHeader title="Run" />
                <CardBody>
                  <Facts
                    items={[
                      ["Progress", <ProgressBar key="p" value={job.progress} status={job.status} label="Job progress" />],
                      ["Window (UTC)", <span key="w" className="font-mono text-xs">{windowLabel(job)}</span>],
                      ...(job.partition ? ([["Partition", <span key="pt" className="font-mono text-xs">{job.partition}</span>]] as Array<[string, React.ReactNode]>) : []),
                      ["Attempts", `${job.attempts} of ${job.maxAttempts}`],
                      ["Triggered by", <TriggeredBy key="by" project={project} job={job} />],
                      ["Created", formatDateTime(job.createdAt)],
                      ["Started", formatDateTime(job.startedAt)],
                      ["Finished", formatDateTime(job.finishedAt)],
                      ["Duration", formatDuration(job.startedAt, job.finishedAt)],
                      ["Job id", <span key="id" className="font-mono text-xs break-all">{job.id}</span>],
                    ]}
                  />
                </CardBody>
              </Card>
              <Card>
                <CardHeader title="Rows" />
                <CardBody>
                  <dl className="grid grid-cols-3 gap-3 text-sm">
                    {[
                      ["Read", job.rowsRead],
                      ["Written offline", job.rowsWrittenOffline],
                      ["Written online", job.rowsWrittenOnline],
                    ].map(([k, v]) => (
                      <div key={k} className="min-w-0 rounded-md border border-line p-3">
                        <dt className="text-xs text-fg-muted">{k}</dt>
                        <dd className="truncate text-lg font-semibold tabular-nums">{formatNumber(v as number)}</dd>
                      </div>
                    ))}
                  </dl>
                </CardBody>
              </Card>
            </div>
            {job.childCount > 0 ? <Children project={project} job={job} /> : null}
            {job.kind === "materialize" || job.kind === "materialize_incremental" ? (
              <Card className="mb-4">
                <CardHeader title="Data quality" description="Rules declared under monitoring in the feature repo, checked on every partition this job wrote." />
                <QualityResults project={project} jobId={job.id} />
              </Card>
            ) : null}
          </>
        );
      }}
    </QueryState>
  );
}

/** How the job ended (or why it is waiting): failed is red; a cancel is not a failure. */
function Outcome({ job }: { job: JobDetailView }) {
  if (job.status === "failed") {
    return (
      <div role="alert" className="mb-4 rounded-md border border-red-300 bg-danger-soft p-3 text-sm dark:border-red-900">
        <p className="font-semibold">Failed{job.errorStep ? ` at ${job.errorStep}` : ""}</p>
        {job.error ? <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap">{job.error}</p> : null}
      </div>
    );
  }
  if (job.status === "cancelled") {
    const why = [...job.logs].reverse().find((l) => /cancel/i.test(l.message))?.message;
    return (
      <div role="status" data-testid="job-outcome" className="mb-4 rounded-md border border-line bg-surface-2 p-3 text-sm">
        <p className="font-semibold">Cancelled{why ? `: ${why}` : ""}</p>
        <p className="mt-1 text-fg-muted">Nothing half-written was kept; partitions that finished before the cancel stay.</p>
        {job.error ? (
          <p className="mt-1 text-fg-muted">
            An earlier attempt had failed{job.errorStep ? ` at ${job.errorStep}` : ""}: <span className="font-mono text-xs break-words">{job.error}</span>
          </p>
        ) : null}
      </div>
    );
  }
  if (job.status === "retrying" && job.error) {
    return (
      <div role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40">
        <p className="font-semibold">
          Attempt {job.attempts} of {job.maxAttempts} failed{job.errorStep ? ` at ${job.errorStep}` : ""}; it will be retried.
        </p>
        <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap">{job.error}</p>
      </div>
    );
  }
  return null;
}

/** What a cancel will do to this job, said before it is done. */
function CancelEffect({ job }: { job: JobDetailView }) {
  const what = `${job.kind.replace("_", " ")}${job.view ? ` of ${job.view}${job.version ? ` v${job.version}` : ""}` : ""}`;
  if (job.childCount > 0) {
    const c = job.childCounts;
    const unfinished = (c.queued ?? 0) + (c.running ?? 0) + (c.retrying ?? 0);
    const done = (c.succeeded ?? 0) + (c.failed ?? 0) + (c.cancelled ?? 0);
    return (
      <>
        <p>
          This cancels the {what} over <span className="font-mono text-xs">{windowLabel(job)}</span>: its {plural(unfinished, "unfinished partition")} ({c.queued ?? 0} queued, {c.running ?? 0} running
          {c.retrying ? `, ${c.retrying} retrying` : ""}) stop, and it does not write the online store at the end.
        </p>
        <p className="text-fg-muted">The {plural(done, "finished partition")} keep what they wrote. A running partition stops at its next batch and keeps nothing half-written.</p>
      </>
    );
  }
  return (
    <>
      <p>
        This cancels the {what} over <span className="font-mono text-xs">{windowLabel(job)}</span>
        {job.status === "running" ? ": it stops at its next batch." : ": it is removed from the queue before it runs."}
      </p>
      <p className="text-fg-muted">Nothing half-written is kept: the partitions it was replacing stay as they were. You can retry it later.</p>
    </>
  );
}

function TriggeredBy({ project, job }: { project: string; job: JobDetailView }) {
  if (job.parentId && job.triggeredBy.startsWith("backfill:")) {
    return (
      <Link className="hover:underline" href={links.job(project, job.parentId)}>
        its backfill
      </Link>
    );
  }
  if (job.triggeredBy.startsWith("schedule:")) return <span>the schedule of {job.triggeredBy.slice("schedule:".length)}</span>;
  return <span className="break-words">{job.triggeredByLabel || "—"}</span>;
}

/** A backfill's partitions: counts per status (each a filter), then one page of them. */
function Children({ project, job }: { project: string; job: JobDetailView }) {
  const [s, set] = useUrlState(["cstatus", "coffset"] as const);
  const offset = Number(s.coffset) || 0;
  const q = useJobs({ project, parentId: job.id, status: s.cstatus || undefined, limit: CHILD_PAGE, offset });
  const summary = statusSummary(job.childCounts);
  return (
    <Card className="mb-4">
      <CardHeader
        title={`Partitions (${job.childCount.toLocaleString("en-US")})`}
        description="One child job per view version and UTC day; any number of workers run them in parallel."
      />
      <div className="flex flex-wrap items-center gap-2 border-b border-line px-4 py-2 text-sm" data-testid="child-summary" role="group" aria-label="Partitions by status">
        <button type="button" aria-pressed={!s.cstatus} onClick={() => set({ cstatus: undefined, coffset: undefined })} className={`rounded-full border px-2.5 py-0.5 ${!s.cstatus ? "border-accent bg-accent-soft font-medium" : "border-line hover:bg-surface-2"}`}>
          all {job.childCount.toLocaleString("en-US")}
        </button>
        {summary.map(({ status, count }) => (
          <button
            key={status}
            type="button"
            aria-pressed={s.cstatus === status}
            onClick={() => set({ cstatus: s.cstatus === status ? undefined : status, coffset: undefined })}
            className={`rounded-full border px-2.5 py-0.5 ${s.cstatus === status ? "border-accent bg-accent-soft font-medium" : "border-line hover:bg-surface-2"}`}
          >
            {count.toLocaleString("en-US")} {status}
          </button>
        ))}
      </div>
      <QueryState query={q} skeleton={<TableSkeleton rows={5} cols={6} />} isEmpty={(d) => d.items.length === 0} empty={<EmptyState title={`No ${s.cstatus || ""} partitions`} next="Pick another status above." />}>
        {(data) => (
          <>
            <JobsTable project={project} jobs={data.items} label="Partitions" />
            <Pager total={data.total} limit={CHILD_PAGE} offset={offset} onOffset={(o) => set({ coffset: o })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}

/** After a retry the API may answer with a new job; link to it. */
function RetryNotice({ project, data, jobId }: { project: string; data: unknown; jobId: string }) {
  const next = normalizeJob((data as { job?: unknown })?.job ?? data);
  if (!next.id || next.id === jobId) return null;
  return (
    <p role="status" className="mb-4 rounded-md border border-line bg-surface-2 p-3 text-sm">
      Retry started as{" "}
      <Link className="font-mono underline" href={links.job(project, next.id)}>
        {next.id}
      </Link>
      .
    </p>
  );
}
