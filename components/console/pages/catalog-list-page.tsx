"use client";
// The list pages of entities, sources, feature views, feature services and models: one
// server-paged, sortable table whose columns depend on the kind.
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { api } from "@/lib/console/api-client";
import type { EntityOut, FeatureServiceOut, FeatureViewSummaryOut, ModelOut, Page, SourceOut } from "@/lib/console/api-types";
import { formatRelative, formatSeconds, freshnessTone } from "@/lib/console/format";
import { links } from "@/lib/console/links";
import { qk } from "@/lib/console/query-keys";
import { useUrlState } from "@/lib/console/use-url-state";
import { Badge, TagList } from "../../ui/badge";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { Input } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { Pager, SortableTH, TD, TH, THead, TR, Table, type SortDir } from "../../ui/table";
import { sortParam } from "./features-page";
import { QueryState } from "../query-state";

export type CatalogKind = "entities" | "sources" | "feature-views" | "feature-services" | "models";

interface Column<T> {
  header: string;
  cell: (row: T, project: string) => ReactNode;
}

interface KindConfig<T> {
  title: string;
  subtitle: string;
  empty: ReactNode;
  href: (p: string, row: T) => string;
  columns: Column<T>[];
}

const owner: Column<{ owner: string }> = { header: "Owner", cell: (r) => <span className="text-fg-muted">{r.owner || "—"}</span> };
const tags: Column<{ tags: Record<string, string> }> = { header: "Tags", cell: (r) => <TagList tags={r.tags} max={3} /> };

const CONFIG: { [K in CatalogKind]: KindConfig<never> } = {
  entities: {
    title: "Entities",
    subtitle: "Things features describe, with their join keys.",
    empty: "Declare entities under `entities:` in your feature repo and apply it.",
    href: (p, r: EntityOut) => links.entity(p, r.name),
    columns: [
      { header: "Join keys", cell: (r: EntityOut) => <span className="font-mono text-xs">{r.joinKeys.map((k) => `${k.name}: ${k.dtype}`).join(", ")}</span> },
      owner,
      tags,
    ],
  } as KindConfig<EntityOut> as KindConfig<never>,
  sources: {
    title: "Sources",
    subtitle: "Where raw rows come from.",
    empty: "Declare sources (parquet, csv, postgres or push) in your feature repo and apply it.",
    href: (p, r: SourceOut) => links.source(p, r.name),
    columns: [
      { header: "Kind", cell: (r: SourceOut) => <Badge tone="muted">{r.kind}</Badge> },
      { header: "Timestamp", cell: (r: SourceOut) => <span className="font-mono text-xs">{r.timestampField}</span> },
      owner,
      tags,
    ],
  } as KindConfig<SourceOut> as KindConfig<never>,
  "feature-views": {
    title: "Feature views",
    subtitle: "Features of one set of entities from one source, versioned.",
    empty: "Declare feature views in your feature repo and run `larder apply <dir>`.",
    href: (p, r: FeatureViewSummaryOut) => links.featureView(p, r.name),
    columns: [
      { header: "Version", cell: (r: FeatureViewSummaryOut) => <span>v{r.latestVersion}</span> },
      { header: "Entities", cell: (r: FeatureViewSummaryOut) => <span className="text-fg-muted">{r.entities.join(", ")}</span> },
      { header: "Source", cell: (r: FeatureViewSummaryOut) => <span className="text-fg-muted">{r.source}</span> },
      { header: "Features", cell: (r: FeatureViewSummaryOut) => <span className="tabular-nums">{r.featuresCount}</span> },
      { header: "TTL", cell: (r: FeatureViewSummaryOut) => <span className="text-fg-muted">{formatSeconds(r.ttlSeconds)}</span> },
      {
        header: "Freshness",
        cell: (r: FeatureViewSummaryOut) => (
          <Badge tone={freshnessTone(r.freshness.materializedUntil, r.ttlSeconds)} title={r.freshness.materializedUntil ?? "never materialized"}>
            {r.freshness.materializedUntil ? `data until ${formatRelative(r.freshness.materializedUntil)}` : "not materialized"}
          </Badge>
        ),
      },
      owner,
      {
        header: "Tags",
        cell: (r: FeatureViewSummaryOut) => (
          <span className="inline-flex gap-1">
            {r.restricted ? <Badge tone="warning">restricted</Badge> : null}
            <TagList tags={Object.fromEntries(Object.entries(r.tags).filter(([k]) => k !== "restricted"))} max={2} />
          </span>
        ),
      },
    ],
  } as KindConfig<FeatureViewSummaryOut> as KindConfig<never>,
  "feature-services": {
    title: "Feature services",
    subtitle: "Named lists of features for one model: retrieval specs.",
    empty: "Declare feature services in your feature repo and apply it.",
    href: (p, r: FeatureServiceOut) => links.featureService(p, r.name),
    columns: [
      { header: "Features", cell: (r: FeatureServiceOut) => <span className="tabular-nums">{r.featuresCount}</span> },
      { header: "Models", cell: (r: FeatureServiceOut) => <span className="text-fg-muted">{r.models.join(", ") || "—"}</span> },
      owner,
      tags,
    ],
  } as KindConfig<FeatureServiceOut> as KindConfig<never>,
  models: {
    title: "Models",
    subtitle: "Consumers of feature services.",
    empty: "Declare models in your feature repo to record who uses which feature services.",
    href: (p, r: ModelOut) => links.model(p, r.name),
    columns: [{ header: "Feature services", cell: (r: ModelOut) => <span className="text-fg-muted">{r.featureServices.join(", ") || "—"}</span> }, owner, tags],
  } as KindConfig<ModelOut> as KindConfig<never>,
};

const PAGE = 50;

type Row = { name: string; description: string; owner: string; tags: Record<string, string>; archived: boolean };

export function CatalogListPage({ project, kind }: { project: string; kind: CatalogKind }) {
  const config = CONFIG[kind] as unknown as KindConfig<Row>;
  const [s, set] = useUrlState(["filter", "sort", "dir", "offset"] as const);
  const sortCol = (s.sort || "name") as "name" | "updatedAt";
  const dir = (s.dir || "asc") as SortDir;
  const offset = Number(s.offset) || 0;
  const query = { sort: sortParam(sortCol, dir), limit: PAGE, offset };
  const q = useQuery({
    queryKey: qk.list(project, kind, query),
    queryFn: ({ signal }) => api.get<Page<Row>>(`/api/v1/projects/${encodeURIComponent(project)}/${kind}`, query, signal),
    placeholderData: keepPreviousData,
  });
  const needle = s.filter.toLowerCase();
  const rows = (q.data?.items ?? []).filter(
    (r) => !needle || r.name.toLowerCase().includes(needle) || r.description.toLowerCase().includes(needle) || r.owner.toLowerCase().includes(needle),
  );
  const onSort = (col: "name" | "updatedAt", d: SortDir) => set({ sort: col === "name" ? undefined : col, dir: d === "asc" ? undefined : d, offset: undefined });
  return (
    <>
      <PageHeader title={config.title} subtitle={config.subtitle} />
      <Card>
        <div className="border-b border-line p-3">
          <label htmlFor="list-filter" className="sr-only">
            Filter {config.title.toLowerCase()}
          </label>
          <Input id="list-filter" type="search" className="max-w-sm" placeholder="Filter by name, description or owner…" value={s.filter} onChange={(e) => set({ filter: e.target.value })} />
        </div>
        <QueryState query={q} skeleton={<TableSkeleton cols={config.columns.length + 1} />} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={`No ${config.title.toLowerCase()} yet`} next={config.empty} />}>
          {(data) => (
            <>
              <Table label={config.title}>
                <THead>
                  <tr>
                    <SortableTH column="name" sort={sortCol} dir={dir} onSort={onSort}>
                      Name
                    </SortableTH>
                    {config.columns.map((c) => (
                      <TH key={c.header}>{c.header}</TH>
                    ))}
                    <SortableTH column="updatedAt" sort={sortCol} dir={dir} onSort={onSort}>
                      Updated
                    </SortableTH>
                  </tr>
                </THead>
                <tbody className={q.isPlaceholderData ? "opacity-60" : undefined}>
                  {rows.map((r) => (
                    <TR key={r.name}>
                      <TD>
                        <Link href={config.href(project, r)} className="font-medium hover:underline">
                          {r.name}
                        </Link>
                        {r.archived ? <Badge tone="muted" className="ml-2">archived</Badge> : null}
                        {r.description ? <p className="max-w-sm truncate text-xs text-fg-muted">{r.description}</p> : null}
                      </TD>
                      {config.columns.map((c) => (
                        <TD key={c.header}>{c.cell(r, project)}</TD>
                      ))}
                      <TD className="whitespace-nowrap text-fg-muted">{formatRelative((r as Row & { updatedAt: string }).updatedAt)}</TD>
                    </TR>
                  ))}
                </tbody>
              </Table>
              {rows.length === 0 ? <p className="p-3 text-sm text-fg-muted">Nothing on this page matches “{s.filter}”.</p> : null}
              <Pager total={data.total} limit={PAGE} offset={offset} onOffset={(o) => set({ offset: o })} />
            </>
          )}
        </QueryState>
      </Card>
    </>
  );
}
