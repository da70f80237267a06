"use client";
// The project overview's lead: its health (GET …/health-report) — failing jobs, stale views, failing
// rules, drifting features, skew — each item linking to its evidence.
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { api } from "@/lib/console/api-client";
import { formatRelative } from "@/lib/console/format";
import type { HealthReport } from "@/lib/monitoring/health-schema";
import { Badge, type BadgeTone } from "../../ui/badge";
import { Card, CardHeader } from "../../ui/card";
import { Skeleton } from "../../ui/skeleton";
import { QueryState } from "../query-state";

const SECTIONS = [
  ["failingJobs", "Failing jobs"],
  ["staleViews", "Stale views"],
  ["failingRules", "Failing rules"],
  ["driftingFeatures", "Drifting features"],
  ["skew", "Training/serving skew"],
] as const;

const STATUS: Record<HealthReport["status"], { tone: BadgeTone; label: string }> = {
  healthy: { tone: "success", label: "Healthy" },
  warning: { tone: "warning", label: "Needs attention" },
  failing: { tone: "danger", label: "Failing" },
};

export const healthKey = (project: string) => ["project", project, "health"] as const;

export function useHealth(project: string) {
  return useQuery({
    queryKey: healthKey(project),
    queryFn: ({ signal }) => api.get<HealthReport>(`/api/v1/projects/${encodeURIComponent(project)}/health-report`, undefined, signal),
    refetchInterval: 60_000,
  });
}

export function HealthPanel({ project }: { project: string }) {
  const q = useHealth(project);
  return (
    <Card className="mb-6" data-testid="health-panel">
      <CardHeader
        title="Health"
        description="Failing jobs, stale views, failing data-quality rules, drifting features and online/offline skew."
        actions={q.data ? <Badge tone={STATUS[q.data.status].tone}>{STATUS[q.data.status].label}</Badge> : null}
      />
      <QueryState query={q} skeleton={(
          <div className="p-4">
            <Skeleton className="h-16 w-full" />
          </div>
        )}>
        {(data) => (
          <div className="grid gap-px bg-line sm:grid-cols-5">
            {SECTIONS.map(([key, title]) => {
              const items = data[key];
              return (
                <section key={key} className="min-w-0 bg-surface p-3" aria-label={title} data-testid={`health-${key}`}>
                  <h3 className="flex items-center justify-between text-xs font-medium text-fg-muted">
                    {title}
                    <span className={items.length ? "text-base font-semibold text-red-600 tabular-nums dark:text-red-400" : "text-base font-semibold text-fg-subtle tabular-nums"}>{items.length}</span>
                  </h3>
                  {items.length === 0 ? (
                    <p className="mt-1 text-xs text-fg-subtle">None</p>
                  ) : (
                    <ul className="mt-1 space-y-1">
                      {items.slice(0, 5).map((i) => (
                        <li key={`${i.kind}-${i.view}-${i.feature}`} className="text-xs">
                          <Link href={i.href} className="font-medium hover:underline" title={i.summary}>
                            {i.feature ? `${i.view}:${i.feature}` : i.view}
                          </Link>
                          <span className="block truncate text-fg-muted" title={i.summary}>
                            {i.summary}
                          </span>
                          <span className="text-fg-subtle">since {formatRelative(i.since)}</span>
                        </li>
                      ))}
                      {items.length > 5 ? <li className="text-xs text-fg-subtle">and {items.length - 5} more</li> : null}
                    </ul>
                  )}
                </section>
              );
            })}
          </div>
        )}
      </QueryState>
    </Card>
  );
}

const STATE_TONE: Record<string, BadgeTone> = { fresh: "success", stale: "warning", failing: "danger", unknown: "muted" };

/** A view's monitoring state as a badge (search results, lineage nodes, view pages). */
export function ViewStateBadge({ state }: { state: string | null | undefined }) {
  if (!state) return null;
  return (
    <Badge tone={STATE_TONE[state] ?? "muted"} title={`Monitoring: ${state}`}>
      {state}
    </Badge>
  );
}
