"use client";
import Link from "next/link";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Ban, RotateCcw } from "lucide-react";
import { api } from "@/lib/console/api-client";
import { formatDateTime, formatDuration, formatNumber } from "@/lib/console/format";
import { ACTIVE_STATUSES, normalizeJob } from "@/lib/console/jobs";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { StatusBadge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader, Facts, PageHeader } from "../../ui/card";
import { ErrorState } from "../../ui/error-state";
import { ProgressBar } from "../../ui/progress";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";
import { JobsTable, windowLabel } from "./jobs-table";
import { useJob } from "./use-jobs";
import { QualityResults } from "../monitoring/quality-table";

export function JobPage({ project, jobId }: { project: string; jobId: string }) {
  const q = useJob(jobId);
  const access = useProjectAccess();
  const client = useQueryClient();
  const action = useMutation({
    mutationFn: (what: "retry" | "cancel") => api.post<unknown>(`/api/v1/jobs/${encodeURIComponent(jobId)}/${what}`),
    onSuccess: async () => {
      await Promise.all([client.invalidateQueries({ queryKey: qk.job(jobId) }), client.invalidateQueries({ queryKey: qk.allJobs() })]);
    },
  });
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
              / <span className="font-mono text-fg">{job.id}</span>
            </nav>
            <PageHeader
              title={
                <span className="inline-flex items-center gap-3">
                  {job.kind.replace("_", " ")}
                  {job.view ? <span className="font-normal text-fg-muted">of {job.view}{job.version ? ` v${job.version}` : ""}</span> : null}
                  <StatusBadge status={job.status} />
                </span>
              }
              actions={
                access.can["jobs.run"] ? (
                  <>
                    {canRetry ? (
                      <Button variant="primary" size="sm" onClick={() => action.mutate("retry")} disabled={action.isPending}>
                        <RotateCcw aria-hidden className="size-3.5" /> Retry
                      </Button>
                    ) : null}
                    {active && access.can["jobs.cancel"] ? (
                      <Button variant="danger" size="sm" onClick={() => action.mutate("cancel")} disabled={action.isPending}>
                        <Ban aria-hidden className="size-3.5" /> Cancel
                      </Button>
                    ) : null}
                  </>
                ) : null
              }
            />
            {action.isError ? <ErrorState compact error={action.error} /> : null}
            {action.isSuccess && action.data ? <RetryNotice project={project} data={action.data} jobId={jobId} /> : null}
            <div className="mb-4 grid gap-4 lg:grid-cols-2">
              <Card>
                <CardHeader title="Run" />
                <CardBody>
                  <Facts
                    items={[
                      ["Progress", <ProgressBar key="p" value={job.progress} status={job.status} label="Job progress" />],
                      ["Window (UTC)", <span key="w" className="font-mono text-xs">{windowLabel(job)}</span>],
                      ["Attempts", `${job.attempts} of ${job.maxAttempts}`],
                      ["Triggered by", job.triggeredBy || "—"],
                      ["Created", formatDateTime(job.createdAt)],
                      ["Started", formatDateTime(job.startedAt)],
                      ["Finished", formatDateTime(job.finishedAt)],
                      ["Duration", formatDuration(job.startedAt, job.finishedAt)],
                      ...(job.parentId ? ([["Parent", <Link key="pa" className="font-mono text-xs hover:underline" href={links.job(project, job.parentId)}>{job.parentId}</Link>]] as Array<[string, React.ReactNode]>) : []),
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
                      <div key={k} className="rounded-md border border-line p-3">
                        <dt className="text-xs text-fg-muted">{k}</dt>
                        <dd className="text-lg font-semibold tabular-nums">{formatNumber(v as number)}</dd>
                      </div>
                    ))}
                  </dl>
                  {job.error ? (
                    <div role="alert" className="mt-4 rounded-md border border-red-300 bg-danger-soft p-3 text-sm dark:border-red-900">
                      <p className="font-semibold">Failed{job.errorStep ? ` at ${job.errorStep}` : ""}</p>
                      <p className="mt-1 font-mono text-xs break-words whitespace-pre-wrap">{job.error}</p>
                    </div>
                  ) : null}
                </CardBody>
              </Card>
            </div>
            {job.children.length ? (
              <Card className="mb-4">
                <CardHeader title={`Child jobs (${job.children.length})`} description="One per view version and day partition; any number of workers run them in parallel." />
                <JobsTable project={project} jobs={job.children} />
              </Card>
            ) : null}
            {job.kind === "materialize" || job.kind === "materialize_incremental" ? (
              <Card className="mb-4">
                <CardHeader title="Data quality" description="Rules declared under monitoring in the feature repo, checked on every partition this job wrote." />
                <QualityResults project={project} jobId={job.id} />
              </Card>
            ) : null}
            <Card>
              <CardHeader title="Log" description={active ? "Updates live while the job runs." : undefined} />
              {job.logs.length === 0 ? (
                <p className="p-4 text-sm text-fg-muted">No log lines yet.</p>
              ) : (
                <ol className="max-h-[28rem] overflow-y-auto bg-code p-3 font-mono text-xs leading-relaxed" aria-label="Log lines">
                  {job.logs.map((l, i) => (
                    <li key={i} className={l.level === "error" ? "text-danger" : l.level === "warn" ? "text-amber-700 dark:text-amber-300" : undefined}>
                      <span className="text-fg-subtle">{l.at.slice(11, 23)}</span> <span className="uppercase">{l.level.padEnd(5)}</span> {l.message}
                    </li>
                  ))}
                </ol>
              )}
            </Card>
          </>
        );
      }}
    </QueryState>
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
