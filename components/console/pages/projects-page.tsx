"use client";
// The caller's projects as cards: filter by name or description, sort by name, last activity or
// size (both in the URL), each card with the caller's role, its counts and when it was last active.
import Link from "next/link";
import { FolderOpen, Search } from "lucide-react";
import type { ProjectOut } from "@/lib/console/api-types";
import { formatRelative, plural } from "@/lib/console/format";
import { useDebounced } from "@/lib/console/use-debounced";
import { useUrlState } from "@/lib/console/use-url-state";
import { useEffect, useState } from "react";
import { Card } from "../../ui/card";
import { PageHeader } from "../../ui/card";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { Input, NativeSelect } from "../../ui/input";
import { Skeleton } from "../../ui/skeleton";
import { QueryState } from "../query-state";
import { useProjects } from "../use-projects";

const SORTS = {
  activity: { label: "Last activity", cmp: (a: ProjectOut, b: ProjectOut) => (b.lastActivityAt ?? "").localeCompare(a.lastActivityAt ?? "") || a.name.localeCompare(b.name) },
  name: { label: "Name", cmp: (a: ProjectOut, b: ProjectOut) => a.name.localeCompare(b.name) },
  features: { label: "Most features", cmp: (a: ProjectOut, b: ProjectOut) => b.counts.features - a.counts.features || a.name.localeCompare(b.name) },
} as const;
type SortKey = keyof typeof SORTS;

export function ProjectsPage() {
  const q = useProjects();
  const [s, set] = useUrlState(["q", "sort"] as const);
  const sort: SortKey = s.sort in SORTS ? (s.sort as SortKey) : "activity";
  // The filter answers at once; the URL (to share it) follows once typing pauses.
  const [text, setText] = useState(s.q);
  const debounced = useDebounced(text, 250);
  useEffect(() => {
    if (debounced !== s.q) set({ q: debounced });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps
  const words = text.trim().toLowerCase();
  return (
    <>
      <PageHeader title="Projects" subtitle="Each project is an isolated feature store with its own members." />
      <QueryState
        query={q}
        skeleton={
          <div className="grid gap-4 sm:grid-cols-2">
            <Skeleton className="h-32" />
            <Skeleton className="h-32" />
          </div>
        }
      >
        {(data) => {
          if (data.items.length === 0) {
            return (
              <Card>
                <EmptyState
                  icon={<FolderOpen className="size-8" />}
                  title="No projects yet"
                  next={
                    <>
                      An instance admin creates projects with <code>POST /api/v1/projects</code> and applies definitions with <code>larder apply &lt;dir&gt;</code>. Ask one to add you to a project.
                    </>
                  }
                />
              </Card>
            );
          }
          const shown = data.items.filter((p) => !words || p.name.toLowerCase().includes(words) || p.description.toLowerCase().includes(words)).sort(SORTS[sort].cmp);
          return (
            <>
              <div className="mb-4 flex flex-wrap items-center gap-3">
                <div className="relative min-w-48 flex-1 sm:max-w-sm">
                  <Search aria-hidden className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-fg-subtle" />
                  <Input type="search" aria-label="Filter projects by name or description" placeholder="Filter projects…" className="pl-8" value={text} onChange={(e) => setText(e.target.value)} />
                </div>
                <label className="flex items-center gap-2 text-sm text-fg-muted">
                  Sort by
                  <NativeSelect className="w-40" value={sort} onChange={(e) => set({ sort: e.target.value === "activity" ? undefined : e.target.value })}>
                    {Object.entries(SORTS).map(([k, v]) => (
                      <option key={k} value={k}>
                        {v.label}
                      </option>
                    ))}
                  </NativeSelect>
                </label>
                <p className="text-xs text-fg-muted" role="status">
                  {words ? `${shown.length} of ${plural(data.items.length, "project")}` : plural(data.items.length, "project")}
                </p>
              </div>
              {shown.length === 0 ? (
                <Card>
                  <EmptyState title={`No project matches “${text.trim()}”`} next="Try part of the name or a word from the description." />
                </Card>
              ) : (
                <ul className="grid gap-4 sm:grid-cols-2" aria-label="Projects">
                  {shown.map((p) => (
                    <li key={p.name} data-testid="project-card">
                      <Link href={`/projects/${encodeURIComponent(p.name)}`} className="block h-full rounded-lg focus-visible:outline-2">
                        <Card className="h-full p-4 transition-colors hover:border-accent">
                          <div className="flex items-center justify-between gap-2">
                            <h2 className="truncate font-semibold">{p.name}</h2>
                            <Badge tone="accent">{p.role ?? "instance admin"}</Badge>
                          </div>
                          <p className="mt-1 line-clamp-2 text-sm text-fg-muted">{p.description || "No description."}</p>
                          <p className="mt-3 text-xs text-fg-subtle">
                            {[
                              plural(p.counts.features, "feature"),
                              plural(p.counts.featureViews, "view"),
                              plural(p.counts.entities, "entity", "entities"),
                              plural(p.counts.featureServices, "service"),
                              plural(p.counts.models, "model"),
                            ].join(" · ")}
                          </p>
                          <p className="mt-1 text-xs text-fg-subtle" title={p.lastActivityAt ?? undefined}>
                            {p.lastActivityAt ? `Last activity ${formatRelative(p.lastActivityAt)}` : "No activity yet"}
                          </p>
                        </Card>
                      </Link>
                    </li>
                  ))}
                </ul>
              )}
            </>
          );
        }}
      </QueryState>
    </>
  );
}
