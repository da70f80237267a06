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
import { FACETS, KIND_LABEL, normalizeSearch, type Facet, type FacetBucket } from "@/lib/console/search";
import { useDebounced } from "@/lib/console/use-debounced";
import { useUrlState } from "@/lib/console/use-url-state";
import { Badge, DtypeBadge, TagList } from "../../ui/badge";
import { Card, PageHeader } from "../../ui/card";
import { EmptyState } from "../../ui/empty-state";
import { ViewStateBadge } from "../monitoring/health-panel";
import { Input } from "../../ui/input";
import { TableSkeleton } from "../../ui/skeleton";
import { Pager } from "../../ui/table";
import { Highlight } from "../highlight";
import { QueryState } from "../query-state";

const FACET_LABEL: Record<Facet, string> = { kind: "Kind", project: "Project", entity: "Entity", owner: "Owner", tag: "Tag", dtype: "Type" };
const FACET_PLURAL: Record<Facet, string> = { kind: "kinds", project: "projects", entity: "entities", owner: "owners", tag: "tags", dtype: "types" };
const PAGE_SIZE = 50;
/** Values a facet shows before "Show all"; past FACET_SEARCHABLE values it gets a filter box. */
const FACET_SHOWN = 8;
const FACET_SEARCHABLE = 10;

export function SearchPage() {
  const [s, set] = useUrlState(["q", "page", ...FACETS] as const);
  const [text, setText] = useState(s.q);
  const debounced = useDebounced(text.trim(), 200);
  // The box follows the URL when it changes from outside (back button, header search).
  const [shownQ, setShownQ] = useState(s.q);
  if (shownQ !== s.q) {
    setShownQ(s.q);
    setText(s.q);
  }
  useEffect(() => {
    if (debounced !== s.q) set({ q: debounced, page: undefined });
  }, [debounced]); // eslint-disable-line react-hooks/exhaustive-deps
  const filters = Object.fromEntries(FACETS.map((f) => [f, s[f] || undefined]));
  const page = Math.max(1, Number.parseInt(s.page, 10) || 1);
  const query = { q: s.q, ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE };
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
        <div className="grid grid-cols-1 gap-5 md:grid-cols-[14rem_minmax(0,1fr)]">
          <aside aria-label="Filters" className="min-w-0 space-y-4">
            {FACETS.map((f) => (
              <FacetFilter
                key={f}
                facet={f}
                buckets={q.data?.facets[f] ?? []}
                active={s[f]}
                onPick={(value) => set({ [f]: value, page: undefined })}
              />
            ))}
          </aside>
          <section aria-label="Results" className="min-w-0">
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
                    {data.total > PAGE_SIZE ? ` · ${Math.min(data.total, (page - 1) * PAGE_SIZE + 1)}–${Math.min(data.total, page * PAGE_SIZE)} shown` : ""}
                  </p>
                  <ol className={`space-y-2 ${q.isPlaceholderData ? "opacity-60" : ""}`}>
                    {data.items.map((h) => (
                      <li key={`${h.kind}:${h.project}:${h.qualifiedName}`}>
                        <Card className="p-3 hover:border-accent">
                          <div className="flex flex-wrap items-center gap-2">
                            <Badge tone="muted">{KIND_LABEL[h.kind] ?? h.kind}</Badge>
                            {h.state && h.state !== "unknown" ? <ViewStateBadge state={h.state} /> : null}
                            <Link href={h.href} className="min-w-0 font-medium wrap-anywhere hover:underline" data-testid="search-hit">
                              {h.kind === "feature" && h.view ? (
                                <>
                                  <span className="text-fg-muted">
                                    <Highlight text={h.view} query={s.q} />:
                                  </span>
                                  <Highlight text={h.name} query={s.q} />
                                </>
                              ) : (
                                <Highlight text={h.name} query={s.q} />
                              )}
                            </Link>
                            <DtypeBadge dtype={h.dtype} />
                            <span className="ml-auto text-xs text-fg-subtle">{h.project}</span>
                          </div>
                          {h.description ? (
                            <p className="mt-1 line-clamp-2 text-sm text-fg-muted">
                              <Highlight text={h.description} query={s.q} />
                            </p>
                          ) : null}
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
                  {data.total > PAGE_SIZE ? (
                    <Card className="mt-3">
                      <Pager total={data.total} limit={PAGE_SIZE} offset={(page - 1) * PAGE_SIZE} onOffset={(o) => set({ page: o / PAGE_SIZE + 1 })} />
                    </Card>
                  ) : null}
                </>
              )}
            </QueryState>
          </section>
        </div>
      )}
    </>
  );
}

/**
 * One facet: every value the API counted, most frequent first. The first FACET_SHOWN show until
 * "Show all"; a long facet gets a filter box. A picked value stays visible (and removable) even
 * when the current matches no longer contain it.
 */
function FacetFilter({ facet, buckets, active, onPick }: { facet: Facet; buckets: FacetBucket[]; active: string; onPick: (value: string | undefined) => void }) {
  const [all, setAll] = useState(false);
  const [filter, setFilter] = useState("");
  if (!buckets.length && !active) return null;
  const label = (v: string) => (facet === "kind" ? (KIND_LABEL[v] ?? v) : v);
  const f = filter.trim().toLowerCase();
  const matching = f ? buckets.filter((b) => label(b.value).toLowerCase().includes(f)) : buckets;
  const shown = all || f ? matching : matching.slice(0, FACET_SHOWN);
  const id = `facet-${facet}`;
  return (
    <fieldset aria-labelledby={`${id}-legend`} className="min-w-0">
      <legend id={`${id}-legend`} className="mb-1 text-xs font-semibold tracking-wide text-fg-subtle uppercase">
        {FACET_LABEL[facet]}
      </legend>
      {buckets.length > FACET_SEARCHABLE ? (
        <Input
          type="search"
          aria-label={`Filter ${FACET_PLURAL[facet]}`}
          placeholder={`Filter ${buckets.length} ${FACET_PLURAL[facet]}…`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          className="mb-1 h-7 text-xs"
        />
      ) : null}
      <ul className="space-y-0.5">
        {active && !buckets.some((b) => b.value === active) ? (
          <li>
            <button type="button" className="w-full rounded bg-accent-soft px-2 py-1 text-left text-sm" onClick={() => onPick(undefined)}>
              {label(active)} ✕
            </button>
          </li>
        ) : null}
        {shown.map((b) => {
          const on = active === b.value;
          return (
            <li key={b.value}>
              <button
                type="button"
                aria-pressed={on}
                onClick={() => onPick(on ? undefined : b.value)}
                className={`flex w-full items-center justify-between gap-2 rounded px-2 py-1 text-left text-sm ${on ? "bg-accent-soft font-medium" : "hover:bg-surface-2"}`}
              >
                <span className="truncate" title={label(b.value)}>
                  {label(b.value)}
                </span>
                <span className="text-xs text-fg-subtle tabular-nums">{b.count}</span>
              </button>
            </li>
          );
        })}
        {f && matching.length === 0 ? <li className="px-2 py-1 text-xs text-fg-muted">No {FACET_PLURAL[facet]} match “{filter.trim()}”.</li> : null}
      </ul>
      {!f && matching.length > FACET_SHOWN ? (
        <button type="button" className="mt-1 px-2 text-xs text-accent hover:underline" aria-expanded={all} onClick={() => setAll(!all)}>
          {all ? "Show fewer" : `Show all ${matching.length} ${FACET_PLURAL[facet]}`}
        </button>
      ) : null}
    </fieldset>
  );
}
