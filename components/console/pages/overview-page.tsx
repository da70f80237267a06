"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import type { FeatureViewSummaryOut, Page, ProjectOut } from "@/lib/console/api-types";
import { formatRelative, freshnessTone, plural } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { Badge } from "../../ui/badge";
import { Card, CardHeader, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Skeleton, TableSkeleton } from "../../ui/skeleton";
import { JobsTable } from "../jobs/jobs-table";
import { useJobs } from "../jobs/use-jobs";
import { useProjectAccess } from "../project-context";
import { HealthPanel } from "../monitoring/health-panel";
import { QueryState } from "../query-state";

export function OverviewPage({ project }: { project: string }) {
  const access = useProjectAccess();
  const p = useQuery({ queryKey: qk.project(project), queryFn: ({ signal }) => api.get<ProjectOut>(`/api/v1/projects/${encodeURIComponent(project)}`, undefined, signal) });
  const viewsQuery = { sort: "-updatedAt", limit: 8, offset: 0 };
  const views = useQuery({
    queryKey: qk.list(project, "feature-views", viewsQuery),
    queryFn: ({ signal }) => api.get<Page<FeatureViewSummaryOut>>(`/api/v1/projects/${encodeURIComponent(project)}/feature-views`, viewsQuery, signal),
  });
  const jobs = useJobs({ project, limit: 5 });
  const counts = p.data?.counts;
  const tiles: Array<[string, number | undefined, string]> = [
    ["Features", counts?.features, links.features(project)],
    ["Feature views", counts?.featureViews, links.featureViews(project)],
    ["Entities", counts?.entities, `/projects/${encodeURIComponent(project)}/entities`],
    ["Sources", counts?.sources, `/projects/${encodeURIComponent(project)}/sources`],
    ["Feature services", counts?.featureServices, `/projects/${encodeURIComponent(project)}/feature-services`],
    ["Models", counts?.models, `/projects/${encodeURIComponent(project)}/models`],
  ];
  return (
    <>
      <PageHeader title={project} subtitle={p.data?.description || "Feature store project"} actions={<Badge tone="accent">{access.role ?? "no role"}</Badge>} />
      {p.isError ? <ErrorState error={p.error} onRetry={() => p.refetch()} /> : null}
      <HealthPanel project={project} />
      <ul className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
        {tiles.map(([label, n, href]) => (
          <li key={label}>
            <Link href={href} className="block rounded-lg border border-line bg-surface p-3 hover:border-accent">
              <span className="block text-xs text-fg-muted">{label}</span>
              {n === undefined ? <Skeleton className="mt-1 h-6 w-12" /> : <span className="text-xl font-semibold tabular-nums">{n.toLocaleString()}</span>}
            </Link>
          </li>
        ))}
      </ul>
      <div className="grid gap-4 xl:grid-cols-2">
        <Card>
          <CardHeader title="Recently changed feature views" />
          <QueryState query={views} skeleton={<TableSkeleton rows={4} cols={3} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No feature views yet" next={<>Write a feature repo (see <code>examples/retail</code>) and run <code>larder apply &lt;dir&gt;</code>.</>} />}>
            {(data) => (
              <ul className="divide-y divide-line">
                {data.items.map((v) => (
                  <li key={v.name} className="flex items-center justify-between gap-3 px-4 py-2 text-sm">
                    <span className="min-w-0">
                      <Link href={links.featureView(project, v.name)} className="font-medium hover:underline">
                        {v.name}
                      </Link>
                      <span className="ml-2 text-xs text-fg-subtle">
                        v{v.latestVersion} · {plural(v.featuresCount, "feature")}
                      </span>
                    </span>
                    <Badge tone={freshnessTone(v.freshness.materializedUntil, v.ttlSeconds)}>{v.freshness.materializedUntil ? `data until ${formatRelative(v.freshness.materializedUntil)}` : "not materialized"}</Badge>
                  </li>
                ))}
              </ul>
            )}
          </QueryState>
        </Card>
        <Card>
          <CardHeader title="Latest jobs" actions={<Link className="text-xs text-fg-muted hover:underline" href={links.jobs(project)}>All jobs</Link>} />
          <QueryState query={jobs} skeleton={<TableSkeleton rows={4} cols={4} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title="No jobs have run yet" next="Open a feature view and use “Materialize now”, or give it a cron schedule." />}>
            {(data) => (
              <JobsTable project={project} jobs={data.items} />
            )}
          </QueryState>
        </Card>
      </div>
    </>
  );
}
