"use client";
import Link from "next/link";
import { FolderOpen } from "lucide-react";
import { Card } from "../../ui/card";
import { PageHeader } from "../../ui/card";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { Skeleton } from "../../ui/skeleton";
import { QueryState } from "../query-state";
import { useProjects } from "../use-projects";

export function ProjectsPage() {
  const q = useProjects();
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
        {(data) =>
          data.items.length === 0 ? (
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
          ) : (
            <ul className="grid gap-4 sm:grid-cols-2">
              {data.items.map((p) => (
                <li key={p.name}>
                  <Link href={`/projects/${encodeURIComponent(p.name)}`} className="block rounded-lg focus-visible:outline-2">
                    <Card className="h-full p-4 transition-colors hover:border-accent">
                      <div className="flex items-center justify-between gap-2">
                        <h2 className="truncate font-semibold">{p.name}</h2>
                        <Badge tone="accent">{p.role ?? "instance admin"}</Badge>
                      </div>
                      <p className="mt-1 line-clamp-2 text-sm text-fg-muted">{p.description || "No description."}</p>
                      <p className="mt-3 text-xs text-fg-subtle">
                        {p.counts.features.toLocaleString()} features · {p.counts.featureViews} views · {p.counts.entities} entities · {p.counts.featureServices} services ·{" "}
                        {p.counts.models} models
                      </p>
                    </Card>
                  </Link>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </>
  );
}
