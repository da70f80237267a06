"use client";
// One story of a view's materialization: what data it has (or that it has none yet), its real gaps
// (holes between materializations; the time since the last run is lag, which freshness shows), its
// schedule when it has one, and the jobs that wrote it, a backfill's partitions included.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { api } from "@/lib/console/api-client";
import type { FeatureViewSummaryOut } from "@/lib/console/api-types";
import { formatDateTime, formatRelative, plural } from "@/lib/console/format";
import { normalizeIntervals, normalizeJobPage, rangeStyle, utcDaysTouched, type IntervalsView } from "@/lib/console/jobs";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { nextRuns } from "@/lib/console/schedule";
import { useUrlState } from "@/lib/console/use-url-state";
import { Badge } from "../../ui/badge";
import { Button } from "../../ui/button";
import { Card, CardBody, CardHeader } from "../../ui/card";
import { ConfirmDialog } from "../../ui/confirm-dialog";
import { EmptyState } from "../../ui/empty-state";
import { Skeleton, TableSkeleton } from "../../ui/skeleton";
import { Pager } from "../../ui/table";
import { JobsTable } from "../jobs/jobs-table";
import { MaterializeDialog } from "../jobs/materialize-dialog";
import { useJobs } from "../jobs/use-jobs";
import { useProjectAccess } from "../project-context";
import { QueryState } from "../query-state";

const JOBS_PAGE = 10;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

/** The schedule in one sentence: when it runs next, or that there is none. */
export function ScheduleSentence({ schedule }: { schedule: string | null | undefined }) {
  const next = nextRuns(schedule, 1)[0];
  if (!schedule) return <>It has no schedule: it is materialized only when someone runs it.</>;
  return (
    <>
      Its schedule <code>{schedule}</code> (UTC) runs it next {next ? `at ${formatDateTime(next)} (${formatRelative(next)})` : "— the expression never fires"}, continuing from where the data ends.
    </>
  );
}

function Story({ view, t }: { view: FeatureViewSummaryOut; t: IntervalsView | null }) {
  const stores = [view.materialization.offline ? "offline" : null, view.materialization.online ? "online" : null].filter(Boolean);
  if (!t || t.intervals.length === 0) {
    return (
      <p data-testid="materialization-story" className="text-sm">
        <strong>{view.name} has never been materialized</strong>: no {stores.join(" or ") || "stored"} data yet. <ScheduleSentence schedule={view.materialization.schedule} />
      </p>
    );
  }
  const until = view.freshness.materializedUntil;
  return (
    <p data-testid="materialization-story" className="text-sm">
      Materialized {stores.length ? `(${stores.join(" and ")}) ` : ""}from <span className="font-mono text-xs">{day(t.from)}</span> to <span className="font-mono text-xs">{day(t.to)}</span> UTC
      {t.gaps.length ? <>, with {plural(t.gaps.length, "gap")} between runs</> : ", with no gaps"}.
      {until ? <> Data until {formatRelative(until)}{view.freshness.lastMaterializedAt ? `, last written ${formatRelative(view.freshness.lastMaterializedAt)}` : ""}.</> : null} <ScheduleSentence schedule={view.materialization.schedule} />
    </p>
  );
}

function Timeline({ t }: { t: IntervalsView }) {
  return (
    <div className="space-y-1.5">
      <div role="img" aria-label={`${plural(t.intervals.length, "materialized interval")}, ${plural(t.gaps.length, "gap")}`} className="relative h-8 overflow-hidden rounded-md border border-line bg-surface-2" data-testid="interval-timeline">
        {t.intervals.map((r, i) => (
          <div key={`i${i}`} title={`${formatDateTime(r.start)} → ${formatDateTime(r.end)}`} className="absolute inset-y-0 bg-emerald-500" style={rangeStyle(r, t.from, t.to)} />
        ))}
        {t.gaps.map((r, i) => (
          <div key={`g${i}`} data-testid="interval-gap" title={`gap ${formatDateTime(r.start)} → ${formatDateTime(r.end)}`} className="absolute inset-y-0 bg-red-400/80" style={rangeStyle(r, t.from, t.to)} />
        ))}
      </div>
      <div className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 text-xs text-fg-muted">
        <span className="font-mono">{day(t.from)}</span>
        <span className="inline-flex items-center gap-3">
          <span className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-sm bg-emerald-500" /> materialized
          </span>
          <span className="inline-flex items-center gap-1">
            <span aria-hidden className="inline-block size-2.5 rounded-sm bg-red-400/80" /> gap
          </span>
        </span>
        <span className="font-mono">{day(t.to)}</span>
      </div>
      {t.gaps.length ? (
        <ul className="text-xs text-fg-muted" aria-label="Gaps">
          {t.gaps.slice(0, 5).map((g, i) => (
            <li key={i} className="font-mono">
              gap {day(g.start)} → {day(g.end)}
            </li>
          ))}
          {t.gaps.length > 5 ? <li>and {plural(t.gaps.length - 5, "more gap")}</li> : null}
        </ul>
      ) : null}
    </div>
  );
}

function BackfillGaps({ project, view, t }: { project: string; view: FeatureViewSummaryOut; t: IntervalsView }) {
  const client = useQueryClient();
  const router = useRouter();
  const span = { start: Math.min(...t.gaps.map((g) => g.start)), end: Math.max(...t.gaps.map((g) => g.end)) };
  const backfill = useMutation({
    mutationFn: () => api.post<unknown>(`/api/v1/projects/${encodeURIComponent(project)}/backfill`, { featureViews: [view.name], start: new Date(span.start).toISOString(), end: new Date(span.end).toISOString(), gaps: true }),
    onSuccess: async (res) => {
      await client.invalidateQueries({ queryKey: qk.allJobs() });
      const id = (res as { job?: { id?: string } })?.job?.id ?? normalizeJobPage(res).items[0]?.id;
      if (id) router.push(links.job(project, id));
    },
  });
  const days = utcDaysTouched(t.gaps);
  const stores = [view.materialization.offline ? "the offline store" : null, view.materialization.online ? "then the online store as of its end" : null].filter(Boolean).join(", ");
  return (
    <ConfirmDialog
      title={`Backfill ${plural(t.gaps.length, "gap")} of ${view.name}?`}
      trigger={<Button size="sm">Backfill {plural(t.gaps.length, "gap")}</Button>}
      confirmLabel={`Start backfill (${plural(days, "partition")})`}
      dismissLabel="Not now"
      onConfirm={() => backfill.mutateAsync()}
      pending={backfill.isPending}
      error={backfill.error}
    >
      <p>
        This starts a backfill of {view.name} v{view.latestVersion} over{" "}
        <span className="font-mono text-xs">
          {day(span.start)} → {day(span.end)}
        </span>{" "}
        UTC that computes only the {plural(t.gaps.length, "gap")}: {plural(days, "child job")}, one per UTC day, writing {stores || "its stores"}.
      </p>
      <p className="text-fg-muted">Data already materialized in that span is not recomputed. You can follow (and cancel) the backfill on its job page.</p>
    </ConfirmDialog>
  );
}

export function MaterializationPanel({ project, view }: { project: string; view: FeatureViewSummaryOut }) {
  const access = useProjectAccess();
  const [s, set] = useUrlState(["joffset"] as const);
  const offset = Number(s.joffset) || 0;
  const intervals = useQuery({
    queryKey: qk.intervals(project, view.name),
    queryFn: async ({ signal }) => normalizeIntervals(await api.get(`/api/v1/projects/${encodeURIComponent(project)}/feature-views/${encodeURIComponent(view.name)}/intervals`, undefined, signal)),
  });
  const jobs = useJobs({ project, featureView: view.name, includeChildren: true, limit: JOBS_PAGE, offset });
  const t = intervals.data ?? null;
  return (
    <div className="space-y-4">
      <Card>
        <CardHeader
          title="Materialization"
          description={`Latest version (v${view.latestVersion}).`}
          actions={access.can["jobs.run"] ? <MaterializeDialog project={project} view={view.name} /> : null}
        />
        <CardBody className="space-y-4">
          {intervals.isPending ? <Skeleton className="h-16 w-full" /> : <Story view={view} t={t} />}
          {intervals.isError ? <p className="text-sm text-danger">Could not read the materialized intervals: {String((intervals.error as Error).message)}</p> : null}
          <div className="flex flex-wrap gap-1">
            <Badge tone={view.materialization.offline ? "success" : "muted"}>offline {view.materialization.offline ? "on" : "off"}</Badge>
            <Badge tone={view.materialization.online ? "success" : "muted"}>online {view.materialization.online ? "on" : "off"}</Badge>
          </div>
          {t && t.intervals.length ? <Timeline t={t} /> : null}
          {t && t.gaps.length && access.can["jobs.run"] ? <BackfillGaps project={project} view={view} t={t} /> : null}
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Jobs that wrote this view" description="Materializations, schedules' runs and backfills, with each backfill's day partitions." />
        <QueryState
          query={jobs}
          skeleton={<TableSkeleton rows={3} cols={6} />}
          isEmpty={(data) => data.items.length === 0}
          empty={
            <EmptyState
              title="No jobs for this view yet"
              next={access.can["jobs.run"] ? "Use “Materialize now” to compute a window, or give the view a cron schedule in the repo." : "An operator can materialize it; ask one, or add a schedule in the repo."}
            />
          }
        >
          {(data) => (
            <>
              <JobsTable project={project} jobs={data.items} showView={false} />
              <Pager total={data.total} limit={JOBS_PAGE} offset={offset} onOffset={(o) => set({ joffset: o })} />
            </>
          )}
        </QueryState>
      </Card>
    </div>
  );
}
