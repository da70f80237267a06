"use client";
// Freshness and pipelines of one view: schedule and next runs, a timeline of materialized
// intervals and gaps with "backfill gaps", and the view's recent jobs (live while active).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { api } from "@/lib/console/api-client";
import type { FeatureViewSummaryOut } from "@/lib/console/api-types";
import { formatDateTime, formatRelative } from "@/lib/console/format";
import { normalizeIntervals, normalizeJobPage, rangeStyle } from "@/lib/console/jobs";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { nextRuns } from "@/lib/console/schedule";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader, Facts } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Skeleton, TableSkeleton } from "../../ui/skeleton";
import { JobsTable } from "../jobs/jobs-table";
import { MaterializeDialog } from "../jobs/materialize-dialog";
import { useJobs } from "../jobs/use-jobs";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";

export function FreshnessFacts({ view }: { view: FeatureViewSummaryOut }) {
  const runs = nextRuns(view.materialization.schedule, 1);
  return (
    <Facts
      items={[
        ["Data until", view.freshness.materializedUntil ? `${formatDateTime(view.freshness.materializedUntil)} (${formatRelative(view.freshness.materializedUntil)})` : "never materialized"],
        ["Last materialized", view.freshness.lastMaterializedAt ? formatRelative(view.freshness.lastMaterializedAt) : "never"],
        ["Schedule", view.materialization.schedule ? <code key="s">{view.materialization.schedule}</code> : "none (manual)"],
        ["Next run", runs[0] ? `${formatDateTime(runs[0])} (${formatRelative(runs[0])})` : "—"],
        [
          "Stores",
          <span key="st" className="inline-flex gap-1">
            <Badge tone={view.materialization.offline ? "success" : "muted"}>offline {view.materialization.offline ? "on" : "off"}</Badge>
            <Badge tone={view.materialization.online ? "success" : "muted"}>online {view.materialization.online ? "on" : "off"}</Badge>
          </span>,
        ],
      ]}
    />
  );
}

function Timeline({ project, view }: { project: string; view: string }) {
  const access = useProjectAccess();
  const client = useQueryClient();
  const router = useRouter();
  const q = useQuery({
    queryKey: qk.intervals(project, view),
    queryFn: async ({ signal }) => normalizeIntervals(await api.get(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view)}/intervals`, undefined, signal)),
  });
  const backfill = useMutation({
    mutationFn: (range: { start: number; end: number }) =>
      api.post<unknown>(`/api/v1/projects/${encodeURIComponent(project)}/backfill`, { featureViews: [view], start: new Date(range.start).toISOString(), end: new Date(range.end).toISOString(), gaps: true }),
    onSuccess: async (res) => {
      await client.invalidateQueries({ queryKey: qk.allJobs() });
      const id = (res as { job?: { id?: string } })?.job?.id ?? normalizeJobPage(res).items[0]?.id;
      if (id) router.push(links.job(project, id));
    },
  });
  if (q.isPending) return <Skeleton className="h-16 w-full" />;
  if (q.isError) return <ErrorState compact error={q.error} onRetry={() => q.refetch()} />;
  const t = q.data;
  const gapSpan = t.gaps.length ? { start: Math.min(...t.gaps.map((g) => g.start)), end: Math.max(...t.gaps.map((g) => g.end)) } : null;
  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-2 text-xs text-fg-muted">
        <span>{formatDateTime(t.from)}</span>
        <span className="inline-flex items-center gap-3">
          <span className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-sm bg-emerald-500" /> materialized
          </span>
          <span className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-sm bg-red-400/80" /> gap
          </span>
        </span>
        <span>{formatDateTime(t.to)}</span>
      </div>
      <div role="img" aria-label={`${t.intervals.length} materialized intervals, ${t.gaps.length} gaps`} className="relative h-8 overflow-hidden rounded-md border border-line bg-surface-2" data-testid="interval-timeline">
        {t.intervals.map((r, i) => (
          <div key={`i${i}`} title={`${formatDateTime(r.start)} → ${formatDateTime(r.end)}`} className="absolute inset-y-0 bg-emerald-500" style={rangeStyle(r, t.from, t.to)} />
        ))}
        {t.gaps.map((r, i) => (
          <div key={`g${i}`} title={`gap ${formatDateTime(r.start)} → ${formatDateTime(r.end)}`} className="absolute inset-y-0 bg-red-400/80" style={rangeStyle(r, t.from, t.to)} />
        ))}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="text-fg-muted">
          {t.intervals.length === 0 ? "Nothing materialized yet." : `${t.intervals.length} interval${t.intervals.length === 1 ? "" : "s"}`}
          {t.gaps.length ? `, ${t.gaps.length} gap${t.gaps.length === 1 ? "" : "s"}` : t.intervals.length ? ", no gaps" : ""}
        </span>
        {access.can["jobs.run"] && gapSpan ? (
          <Button size="sm" onClick={() => backfill.mutate(gapSpan)} disabled={backfill.isPending}>
            {backfill.isPending ? "Starting backfill…" : `Backfill ${t.gaps.length} gap${t.gaps.length === 1 ? "" : "s"}`}
          </Button>
        ) : null}
      </div>
      {backfill.isError ? <ErrorState compact error={backfill.error} /> : null}
    </div>
  );
}

export function MaterializationPanel({ project, view }: { project: string; view: FeatureViewSummaryOut }) {
  const access = useProjectAccess();
  const jobs = useJobs({ project, featureView: view.name, limit: 10 });
  return (
    <div className="space-y-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <Card>
          <CardHeader title="Freshness" actions={access.can["jobs.run"] ? <MaterializeDialog project={project} view={view.name} /> : null} />
          <CardBody>
            <FreshnessFacts view={view} />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Materialized intervals" description={`Latest version (v${view.latestVersion}).`} />
          <CardBody>
            <Timeline project={project} view={view.name} />
          </CardBody>
        </Card>
      </div>
      <Card>
        <CardHeader title="Recent jobs" />
        <QueryState query={jobs} skeleton={<TableSkeleton rows={3} cols={6} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No jobs for this view yet" next={access.can["jobs.run"] ? "Use “Materialize now” to compute a window, or add a cron schedule to the view's materialization settings." : "An operator can materialize it; ask one, or add a schedule in the repo."} />}>
          {(data) => (
            <JobsTable project={project} jobs={data.items} showView={false} />
          )}
        </QueryState>
      </Card>
    </div>
  );
}
