"use client";
// All features of a project (latest versions), server-paged and sorted so 10,000 features stay fast.
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { api } from "@/lib/console/api-client";
import type { FeatureListItemOut, ListSort, Page } from "@/lib/console/api-types";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { useDebounced } from "@/lib/console/use-debounced";
import { useUrlState } from "@/lib/console/use-url-state";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ErrorState } from "../../ui/error-state";
import { Input, NativeSelect } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { Pager, SortableTH, TD, TH, THead, TR, Table, type SortDir } from "../../ui/table";

const DTYPES = ["int32", "int64", "float32", "float64", "string", "bool", "timestamp", "bytes"];
const PAGE = 50;

export function sortParam(sort: string, dir: SortDir): ListSort {
  const col = sort === "updatedAt" ? "updatedAt" : "name";
  return (dir === "desc" ? `-${col}` : col) as ListSort;
}

export function FeaturesPage({ project }: { project: string }) {
  const [s, set] = useUrlState(["q", "dtype", "view", "sort", "dir", "offset"] as const);
  const [text, setText] = useState(s.q);
  const debounced = useDebounced(text, 250);
  useEffect(() => {
    if (debounced !== s.q) set({ q: debounced, offset: undefined });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps
  const sortCol = (s.sort || "name") as "name" | "updatedAt";
  const dir = (s.dir || "asc") as SortDir;
  const offset = Number(s.offset) || 0;
  const query = { q: s.q || undefined, dtype: s.dtype || undefined, view: s.view || undefined, sort: sortParam(sortCol, dir), limit: PAGE, offset };
  const q = useQuery({
    queryKey: qk.list(project, "features", query),
    queryFn: ({ signal }) => api.get<Page<FeatureListItemOut>>(`/api/v1/projects/${encodeURIComponent(project)}/features`, query, signal),
    placeholderData: keepPreviousData,
  });
  const onSort = (col: "name" | "updatedAt", d: SortDir) => set({ sort: col === "name" ? undefined : col, dir: d === "asc" ? undefined : d, offset: undefined });

  return (
    <>
      <PageHeader title="Features" subtitle="Every feature of the latest version of each feature view." />
      <Card>
        <div className="flex flex-wrap items-end gap-3 border-b border-line p-3">
          <div className="min-w-56 flex-1">
            <label htmlFor="feature-filter" className="sr-only">
              Filter features
            </label>
            <Input id="feature-filter" type="search" placeholder="Filter by name, description or view…" value={text} onChange={(e) => setText(e.target.value)} />
          </div>
          <div>
            <label htmlFor="dtype-filter" className="sr-only">
              Data type
            </label>
            <NativeSelect id="dtype-filter" value={s.dtype} onChange={(e) => set({ dtype: e.target.value, offset: undefined })} className="w-40">
              <option value="">All dtypes</option>
              {DTYPES.map((d) => (
                <option key={d}>{d}</option>
              ))}
            </NativeSelect>
          </div>
          {s.view ? (
            <button type="button" className="text-xs text-fg-muted underline" onClick={() => set({ view: undefined, offset: undefined })}>
              View: {s.view} ✕
            </button>
          ) : null}
        </div>
        {q.isPending ? (
          <TableSkeleton cols={5} />
        ) : q.isError ? (
          <ErrorState error={q.error} onRetry={() => q.refetch()} />
        ) : q.data.items.length === 0 ? (
          s.q || s.dtype || s.view ? (
            <EmptyState title="No features match these filters" next="Clear a filter or try the global search (Ctrl K), which also matches typos." />
          ) : (
            <EmptyState title="This project has no features yet" next={<>Define feature views in YAML and run <code>larder apply &lt;dir&gt;</code>; they appear here at once.</>} />
          )
        ) : (
          <>
            <Table label="Features">
              <THead>
                <tr>
                  <SortableTH column="name" sort={sortCol} dir={dir} onSort={onSort}>
                    Feature
                  </SortableTH>
                  <TH>View</TH>
                  <TH>Type</TH>
                  <TH>Entities</TH>
                  <TH>Owner</TH>
                  <TH>Tags</TH>
                  <SortableTH column="updatedAt" sort={sortCol} dir={dir} onSort={onSort}>
                    Version created
                  </SortableTH>
                </tr>
              </THead>
              <tbody className={q.isPlaceholderData ? "opacity-60" : undefined}>
                {q.data.items.map((f) => (
                  <TR key={f.qualifiedName}>
                    <TD>
                      <Link href={links.feature(project, f.view, f.name)} className="font-medium text-fg hover:underline">
                        {f.name}
                      </Link>
                      {f.description ? <p className="max-w-md truncate text-xs text-fg-muted">{f.description}</p> : null}
                    </TD>
                    <TD>
                      <Link href={links.featureView(project, f.view)} className="hover:underline">
                        {f.view}
                      </Link>
                      <span className="ml-1 text-xs text-fg-subtle">v{f.version}</span>
                    </TD>
                    <TD>
                      <span className="inline-flex gap-1">
                        <DtypeBadge dtype={f.dtype} />
                        {f.kind === "aggregation" ? <Badge tone="info">agg</Badge> : null}
                      </span>
                    </TD>
                    <TD className="text-fg-muted">{f.entities.join(", ")}</TD>
                    <TD className="max-w-48 truncate text-fg-muted">{f.owner || "—"}</TD>
                    <TD>
                      <TagList tags={f.tags} max={2} />
                    </TD>
                    <TD className="whitespace-nowrap text-fg-muted">{f.createdAt.slice(0, 10)}</TD>
                  </TR>
                ))}
              </tbody>
            </Table>
            <Pager total={q.data.total} limit={PAGE} offset={offset} onOffset={(o) => set({ offset: o })} />
          </>
        )}
      </Card>
    </>
  );
}
