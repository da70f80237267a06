"use client";
// /search?q=…&kind=…&project=…: ranked, typo-tolerant results from the search API with facet
// filters; the URL holds the whole search so it can be shared.
import Link from "next/link";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Search } from "lucide-react";
import { api } from "@/lib/console/api-client";
import { formatRelative, freshnessTone } from "@/lib/console/format";
import { qk } from "@/lib/console/query-keys";
import { FACETS, KIND_LABEL, normalizeSearch, type Facet } from "@/lib/console/search";
import { useDebounced } from "@/lib/console/use-debounced";
import { useUrlState } from "@/lib/console/use-url-state";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ViewStateBadge } from "../monitoring/health-panel";
import { Input } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { QueryState } from "../query-state";

const FACET_LABEL: Record<Facet, string> = { kind: "Kind", project: "Project", entity: "Entity", owner: "Owner", tag: "Tag", dtype: "Type" };

export function SearchPage() {
  const [s, set] = useUrlState(["q", ...FACETS] as const);
  const [text, setText] = useState(s.q);
  const debounced = useDebounced(text.trim(), 200);
  // The box follows the URL when it changes from outside (back button, header search).
  const [shownQ, setShownQ] = useState(s.q);
  if (shownQ !== s.q) {
    setShownQ(s.q);
    setText(s.q);
  }
  useEffect(() => {
    if (debounced !== s.q) set({ q: debounced });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps
  const filters = Object.fromEntries(FACETS.map((f) => [f, s[f] || undefined]));
  const query = { q: s.q, ...filters, limit: 50 };
  const q = useQuery({
    queryKey: qk.search(query),
    queryFn: async ({ signal }) => normalizeSearch(await api.get("/api/v1/search", query, signal)),
    enabled: s.q.length > 0,
    placeholderData: keepPreviousData,
  });
  return (
    <>
      <PageHeader title="Search" subtitle="Features, feature views, entities, sources, services and models across your projects. Typos are fine." />
      <div className="relative mb-5">
        <Search aria-hidden className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-fg-subtle" />
        <label htmlFor="search-page-input" className="sr-only">
          Search query
        </label>
        <Input id="search-page-input" type="search" autoFocus className="h-11 pl-9 text-base" placeholder="e.g. customer spend 7d" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      {!s.q ? (
        <EmptyState title="What are you looking for?" next="Type a feature name, a word from a description, an owner or a tag. Press Ctrl K anywhere to search without leaving the page." />
      ) : (
        <div className="grid gap-5 md:grid-cols-[14rem_1fr]">
          <aside aria-label="Filters" className="space-y-4">
            {FACETS.map((f) => {
              const buckets = q.data?.facets[f] ?? [];
              if (!buckets.length && !s[f]) return null;
              return (
                <fieldset key={f}>
                  <legend className="mb-1 text-xs font-semibold tracking-wide text-fg-subtle uppercase">{FACET_LABEL[f]}</legend>
                  <ul className="space-y-0.5">
                    {s[f] && !buckets.some((b) => b.value === s[f]) ? (
                      <li>
                        <button type="button" className="w-full rounded bg-accent-soft px-2 py-1 text-left text-sm" onClick={() => set({ [f]: undefined })}>
                          {s[f]} ✕
                        </button>
                      </li>
                    ) : null}
                    {buckets.slice(0, 8).map((b) => {
                      const active = s[f] === b.value;
                      return (
                        <li key={b.value}>
                          <button
                            type="button"
                            aria-pressed={active}
                            onClick={() => set({ [f]: active ? undefined : b.value })}
                            className={`flex w-full items-center justify-between gap-2 rounded px-2 py-1 text-left text-sm ${active ? "bg-accent-soft font-medium" : "hover:bg-surface-2"}`}
                          >
                            <span className="truncate">{f === "kind" ? (KIND_LABEL[b.value] ?? b.value) : b.value}</span>
                            <span className="text-xs text-fg-subtle tabular-nums">{b.count}</span>
                          </button>
                        </li>
                      );
                    })}
                  </ul>
                </fieldset>
              );
            })}
          </aside>
          <section aria-label="Results">
            <QueryState query={q} skeleton={(
                <Card>
                  <TableSkeleton rows={6} cols={3} />
                </Card>
              )} isEmpty={(data) => data.items.length === 0} empty={(
                <Card>
                  <EmptyState title={`Nothing found for “${s.q}”`} next="Try fewer or different words, remove a filter, or check that you are a member of the project that owns it." />
                </Card>
              )}>
              {(data) => (
                <>
                  <p className="mb-2 text-xs text-fg-muted" role="status">
                    {data.total.toLocaleString()} result{data.total === 1 ? "" : "s"}
                  </p>
                  <ol className={`space-y-2 ${q.isPlaceholderData ? "opacity-60" : ""}`}>
                    {data.items.map((h) => (
                      <li key={`${h.kind}:${h.project}:${h.qualifiedName}`}>
                        <Card className="p-3 hover:border-accent">
                          <div className="flex flex-wrap items-center gap-2">
                            <Badge tone="muted">{KIND_LABEL[h.kind] ?? h.kind}</Badge>
                            {h.state && h.state !== "unknown" ? <ViewStateBadge state={h.state} /> : null}
                            <Link href={h.href} className="font-medium hover:underline" data-testid="search-hit">
                              {h.kind === "feature" && h.view ? (
                                <>
                                  <span className="text-fg-muted">{h.view}:</span>
                                  {h.name}
                                </>
                              ) : (
                                h.name
                              )}
                            </Link>
                            <DtypeBadge dtype={h.dtype} />
                            <span className="ml-auto text-xs text-fg-subtle">{h.project}</span>
                          </div>
                          {h.description ? <p className="mt-1 line-clamp-2 text-sm text-fg-muted">{h.description}</p> : null}
                          <div className="mt-2 flex flex-wrap items-center gap-x-4 gap-y-1 text-xs text-fg-muted">
                            {h.entities.length ? <span>entity: {h.entities.join(", ")}</span> : null}
                            {h.owner ? <span>owner: {h.owner}</span> : null}
                            {h.materializedUntil ? (
                              <Badge tone={freshnessTone(h.materializedUntil, null)}>data until {formatRelative(h.materializedUntil)}</Badge>
                            ) : h.updatedAt ? (
                              <span title={h.updatedAt}>updated {formatRelative(h.updatedAt)}</span>
                            ) : null}
                            <TagList tags={h.tags} max={3} />
                          </div>
                        </Card>
                      </li>
                    ))}
                  </ol>
                </>
              )}
            </QueryState>
          </section>
        </div>
      )}
    </>
  );
}
