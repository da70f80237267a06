"use client";
import { JOB_KINDS, JOB_STATUSES, anyActive } from "@/lib/console/jobs";
import { useUrlState } from "@/lib/console/use-url-state";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { NativeSelect } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { Pager } from "../../ui/table";
import { useProjectAccess } from "../project-context";
import { ViewPicker } from "../view-picker";
import { JobsTable } from "./jobs-table";
import { useJobs } from "./use-jobs";
import { QueryState } from "../query-state";

const PAGE = 25;

export function JobsPage({ project }: { project: string }) {
  const access = useProjectAccess();
  const [s, set] = useUrlState(["status", "kind", "view", "offset"] as const);
  const offset = Number(s.offset) || 0;
  const q = useJobs({ project, status: s.status || undefined, kind: s.kind || undefined, featureView: s.view || undefined, limit: PAGE, offset });
  const live = q.data ? anyActive(q.data.items) : false;
  return (
    <>
      <PageHeader
        title="Jobs"
        subtitle={
          <span className="inline-flex items-center gap-2">
            Materializations, backfills and statistics runs of this project.
            {live ? (
              <span className="inline-flex items-center gap-1 text-xs text-sky-700 dark:text-sky-300" role="status">
                <span aria-hidden className="size-2 animate-pulse rounded-full bg-sky-500" /> live
              </span>
            ) : null}
          </span>
        }
      />
      <Card>
        <div className="flex flex-wrap items-end gap-3 border-b border-line p-3">
          <div>
            <label htmlFor="job-status" className="mb-1 block text-xs text-fg-muted">
              Status
            </label>
            <NativeSelect id="job-status" className="w-36" value={s.status} onChange={(e) => set({ status: e.target.value, offset: undefined })}>
              <option value="">Any</option>
              {JOB_STATUSES.map((x) => (
                <option key={x}>{x}</option>
              ))}
            </NativeSelect>
          </div>
          <div>
            <label htmlFor="job-kind" className="mb-1 block text-xs text-fg-muted">
              Kind
            </label>
            <NativeSelect id="job-kind" className="w-48" value={s.kind} onChange={(e) => set({ kind: e.target.value, offset: undefined })}>
              <option value="">Any</option>
              {JOB_KINDS.map((x) => (
                <option key={x} value={x}>
                  {x.replace("_", " ")}
                </option>
              ))}
            </NativeSelect>
          </div>
          <div>
            <label htmlFor="job-view" className="mb-1 block text-xs text-fg-muted">
              Feature view
            </label>
            <ViewPicker id="job-view" project={project} className="w-56" value={s.view} onChange={(v) => set({ view: v, offset: undefined })} />
          </div>
        </div>
        <QueryState query={q} skeleton={<TableSkeleton cols={8} />} isEmpty={(data) => data.items.length === 0} empty={(
            <EmptyState
              title={s.status || s.kind || s.view ? "No jobs match these filters" : "No jobs yet"}
              next={access.can["jobs.run"] ? "Open a feature view and use “Materialize now”, or give views a cron schedule in the repo." : "Jobs appear here when an operator materializes a view or a schedule runs."}
            />
          )}>
          {(data) => (
            <>
              <JobsTable project={project} jobs={data.items} />
              <Pager total={data.total} limit={PAGE} offset={offset} onOffset={(o) => set({ offset: o })} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
